import { GangwayError } from '../../core/errors.js';
import type { HttpRequest } from '../../http/types.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';
import type { FlowStep } from '../../playbook/schema.js';
import { render, renderText, type TemplateScope } from './template.js';

export interface PlannedCall {
  /** The spec operation, when the spec has it. */
  operation?: Operation;
  /** operationId or "METHOD /path" for messages. */
  label: string;
  request: HttpRequest;
}

const LITERAL = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE)\s+(\/\S*)$/i;

/** Resolves a step's call against the spec and renders its templates into a request. */
export function planCall(step: FlowStep, spec: ApiSpec | undefined, scope: TemplateScope): PlannedCall {
  const operation = spec?.operation(step.call);
  const literal = LITERAL.exec(step.call.trim());
  if (!operation && !literal) {
    const why = spec
      ? `is neither an operationId nor "METHOD /path" of ${spec.title}`
      : 'is not "METHOD /path"';
    throw new GangwayError('flow.unknown-operation', `call "${step.call}" ${why}`);
  }
  const method = operation?.method ?? literal![1]!.toUpperCase();
  const template = operation?.path ?? literal![2]!;
  const params: Record<string, unknown> = { ...(step.params ?? {}) };
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (!(name in params)) {
      throw new GangwayError(
        'flow.missing-path-param',
        `call "${step.call}" needs path parameter {${name}}: add it under params, e.g. params: { ${name}: "{{ ${name} }}" }`,
      );
    }
    const value = renderText(params[name], scope);
    delete params[name];
    return encodeURIComponent(value);
  });
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries({ ...params, ...(step.query ?? {}) })) {
    const rendered = render(value, scope);
    query[name] = Array.isArray(rendered) ? rendered.map((v) => String(v)) : renderText(rendered, scope);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.headers ?? {})) headers[name] = renderText(value, scope);
  const secured = operation ? operation.security.length > 0 : true;
  return {
    ...(operation && { operation }),
    label: operation?.id ?? `${method} ${template}`,
    request: {
      method,
      url: path,
      query,
      headers,
      ...(step.body !== undefined && { body: render(step.body, scope) }),
      operation: operation?.id ?? `${method} ${template}`,
      auth: step.auth && secured,
    },
  };
}
