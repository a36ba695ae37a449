// Checks an object against a Kubernetes structural schema (a CRD's openAPIV3Schema), the
// keywords the Flink Kubernetes Operator's CRD uses: type, properties, additionalProperties,
// items, enum, required, anyOf, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields.
// Unknown fields are reported (the API server would prune them, silently losing settings).

/** One node of an openAPIV3Schema. */
export interface StructuralSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly additionalProperties?: StructuralSchema | boolean;
  readonly items?: StructuralSchema;
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly anyOf?: readonly StructuralSchema[];
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** The problems of `value` against `schema`, each `path: what`; empty when it conforms. */
export function structuralProblems(value: unknown, schema: StructuralSchema, path = '$'): string[] {
  if (schema['x-kubernetes-int-or-string'] === true) {
    return typeof value === 'string' || Number.isInteger(value) ? [] : [`${path}: expected an integer or a string, got ${describe(value)}`];
  }
  if (schema.anyOf && !schema.anyOf.some((option) => structuralProblems(value, option, path).length === 0)) {
    return [`${path}: matches none of the anyOf schemas`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case 'object':
      return objectProblems(value, schema, path);
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array, got ${describe(value)}`];
      return schema.items ? value.flatMap((item, index) => structuralProblems(item, schema.items as StructuralSchema, `${path}[${index}]`)) : [];
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: expected a string, got ${describe(value)}`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${describe(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${describe(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${describe(value)}`];
    default:
      return [];
  }
}

function objectProblems(value: unknown, schema: StructuralSchema, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object, got ${describe(value)}`];
  const record = value as Record<string, unknown>;
  const problems = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${path}.${key}: required`);
  for (const [key, child] of Object.entries(record)) {
    const property = schema.properties?.[key];
    if (property) problems.push(...structuralProblems(child, property, `${path}.${key}`));
    else if (typeof schema.additionalProperties === 'object') problems.push(...structuralProblems(child, schema.additionalProperties, `${path}.${key}`));
    else if (schema.additionalProperties !== true && schema['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(`${path}.${key}: not a field of the schema`);
  }
  return problems;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)}`;
}
