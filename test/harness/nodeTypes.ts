import type {
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { UnexpectedError, NodeHelpers } from 'n8n-workflow';

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;
export type CredentialTypeMap = Record<string, ICredentialType>;

/** `INodeTypes` over a plain map keyed by the full type name (`package.nodeName`). */
export class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly types: NodeTypeMap) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(Object.keys(this.types).map((name) => [name, {}]));
	}
}

export class HarnessCredentialTypes implements ICredentialTypes {
	constructor(private readonly types: CredentialTypeMap) {}

	recognizes(credentialType: string): boolean {
		return credentialType in this.types;
	}

	getByName(credentialType: string): ICredentialType {
		const type = this.types[credentialType];
		if (!type) throw new UnexpectedError(`Unknown credential type "${credentialType}"`);
		return type;
	}

	getSupportedNodes(type: string): string[] {
		return this.types[type]?.supportedNodes ?? [];
	}

	/** All ancestors through `extends`, nearest first (like the CLI's CredentialTypes). */
	getParentTypes(typeName: string): string[] {
		const parents = this.types[typeName]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
}
