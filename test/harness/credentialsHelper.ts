import { Credentials, getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	deepCopy,
	isExpression,
} from 'n8n-workflow';

import type { CredentialTypeMap } from './nodeTypes';
import { HarnessCredentialTypes } from './nodeTypes';

/** One call of `authenticate`, i.e. one request that went through an *WithAuthentication helper. */
export interface CredentialApplication {
	credentialType: string;
	nodeName?: string;
	/** `generic` / `function`: the credential type's `authenticate` kind; `none`: it has none. */
	kind: 'generic' | 'function' | 'none';
	method?: string;
	url?: string;
	/** Snapshot of the request options after authentication was applied. */
	requestOptions: IHttpRequestOptions;
}

/** Credentials are referenced by id; the harness uses the credential type name as id. */
export const credentialRef = (type: string): INodeCredentialsDetails => ({ id: type, name: type });

/**
 * In-memory stand-in for the CLI's `CredentialsHelper` (packages/cli/src/credentials-helper.ts):
 * same defaults-filling, expression resolution and `authenticate` semantics, minus the database,
 * overwrites, external secrets and dynamic credentials.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	readonly credentialTypes: HarnessCredentialTypes;

	/** Every `authenticate` call, in order. */
	readonly applications: CredentialApplication[] = [];

	/** Data keyed by credential id (see `credentialRef`). */
	private readonly store = new Map<string, { type: string; data: ICredentialDataDecryptedObject }>();

	constructor(
		credentialTypes: CredentialTypeMap,
		credentials: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
		this.credentialTypes = new HarnessCredentialTypes(credentialTypes);
		for (const [type, data] of Object.entries(credentials)) this.setCredentials(type, data);
	}

	setCredentials(type: string, data: ICredentialDataDecryptedObject, id = type): void {
		this.store.set(id, { type, data: deepCopy(data) });
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		let requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.credentialTypes.getByName(typeName);
		let kind: CredentialApplication['kind'] = 'none';

		if (typeof authenticate === 'function') {
			kind = 'function';
			requestOptions = await authenticate(credentials, requestOptions);
		} else if (typeof authenticate === 'object') {
			kind = 'generic';
			if (!workflow || !node) {
				throw new UnexpectedError(
					'Workflow and node are required for declarative credential authentication',
				);
			}
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				// Same as the CLI: each key/value is resolved and set onto the (created if missing) object.
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
						const valueResolved = this.resolveValue(value, { $credentials: credentials }, workflow, node);
						target[outerKey] ??= {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}

		this.applications.push({
			credentialType: typeName,
			nodeName: node?.name,
			kind,
			method: requestOptions.method,
			url: requestOptions.url,
			requestOptions: snapshot(requestOptions),
		});
		return requestOptions;
	}

	/** Mirrors the CLI: only credential types with an expirable hidden property pre-authenticate. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (expirable?.name === undefined || typeof credentialType.preAuthentication !== 'function') {
			return undefined;
		}
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;

		const nodeCredentials = node.credentials?.[credentialType.name];
		if (nodeCredentials) {
			await this.updateCredentials(nodeCredentials, credentialType.name, {
				...this.lookup(nodeCredentials, typeName),
				...(output as ICredentialDataDecryptedObject),
			});
		}
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.credentialTypes.getByName(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		const output = await preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject) ?? undefined;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const typeDef = this.credentialTypes.getByName(credentialType);
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const credentials = new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
		await credentials.setData(this.lookup(nodeCredentials, type));
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.lookup(nodeCredentials, type);
		if (raw === true) return stored;

		// Defaults from the credential type's properties, as the CLI's applyDefaultsAndOverwrites.
		let data = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (stored.oauthTokenData !== undefined) data.oauthTokenData = stored.oauthTokenData;

		if (expressionResolveValues) {
			const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			try {
				data = workflow.expression.getParameterValue(
					data as INodeParameters,
					runExecutionData,
					runIndex,
					itemIndex,
					node.name,
					connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					data,
				) as ICredentialDataDecryptedObject;
			} catch (error) {
				(error as Error).message += ' [Error resolving credentials]';
				throw error;
			}
		}
		return data;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.setCredentials(type, data, nodeCredentials.id ?? type);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const current = this.lookup(nodeCredentials, type);
		const updated = { ...current, oauthTokenData: data.oauthTokenData };
		this.setCredentials(type, updated, nodeCredentials.id ?? type);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const typeData = this.credentialTypes.getByName(type);
		if (typeData.extends === undefined) return typeData.properties;
		const combined: INodeProperties[] = [];
		for (const parent of typeData.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, typeData.properties);
		return combined;
	}

	private lookup(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): ICredentialDataDecryptedObject {
		const id = nodeCredentials.id;
		const entry = id === null ? undefined : this.store.get(id);
		if (!entry || entry.type !== type) {
			// Same wording as the CLI's CredentialNotFoundError.
			throw new UserError(`Credential with ID "${id}" does not exist for type "${type}".`);
		}
		return deepCopy(entry.data);
	}

	/** As the CLI's resolveValue: `={{ … }}` strings go through the workflow's expression engine. */
	private resolveValue(
		parameterValue: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const value = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		return value ? value.toString() : '';
	}
}

/** Copy of request options for the log (one level deep: enough to see what auth added). */
function snapshot(options: IHttpRequestOptions): IHttpRequestOptions {
	const { body } = options;
	const isPlain =
		body !== null && typeof body === 'object' && Object.getPrototypeOf(body) === Object.prototype;
	return {
		...options,
		headers: options.headers && { ...options.headers },
		qs: options.qs && { ...options.qs },
		auth: options.auth && { ...options.auth },
		body: isPlain ? { ...(body as Record<string, unknown>) } : body,
	};
}
