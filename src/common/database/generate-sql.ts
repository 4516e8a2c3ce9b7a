import 'reflect-metadata';

/**
 * Stand-ins for the arguments of a repository method in the SQL snapshot: the generator
 * (src/queries/generate-sql.ts) replaces each with the id of a row of a fixture tenant it
 * creates, or with an open transaction.
 */
export const Dummy = {
  tenant: Symbol('tenant id'),
  user: Symbol('user id (member of the group, assigned the application)'),
  otherUser: Symbol('user id (no group, no assignment)'),
  group: Symbol('group id (assigned the application)'),
  application: Symbol('application id'),
  otherApplication: Symbol('application id (assigned to nobody)'),
  tx: Symbol('open transaction'),
} as const;

export const FIRST_PAGE = { page: 1, perPage: 20 } as const;

export interface SqlCase {
  /** Shown after the method name when a method has several cases (`with q`). */
  name?: string;
  params: unknown[];
}

export interface GeneratedSqlMethod {
  method: string;
  cases: SqlCase[];
}

const GENERATE_SQL = Symbol('generate sql');

/**
 * Puts the statements a repository method sends into the committed SQL snapshot
 * (src/queries/*.sql), called with these arguments; a method whose SQL varies with its
 * arguments lists one case per variant. The idea is immich's `@GenerateSql`.
 */
export function GenerateSql(...cases: SqlCase[]): MethodDecorator {
  return (target, key) => {
    const methods = (Reflect.getMetadata(GENERATE_SQL, target.constructor) as GeneratedSqlMethod[] | undefined) ?? [];
    Reflect.defineMetadata(GENERATE_SQL, [...methods, { method: String(key), cases }], target.constructor);
  };
}

export function generatedSqlMethods(repository: abstract new (...args: never[]) => unknown): GeneratedSqlMethod[] {
  return (Reflect.getMetadata(GENERATE_SQL, repository) as GeneratedSqlMethod[] | undefined) ?? [];
}
