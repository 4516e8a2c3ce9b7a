import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, IsUUID, Max, MaxLength, Min, validate } from 'class-validator';
import { IsOptionalNonNull } from './optional-non-null';
import { toValidationIssues } from './validation-issues';

class SampleDto {
  @IsString()
  @MaxLength(5)
  name!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  per_page!: number;

  @IsOptionalNonNull()
  @IsIn(['active', 'suspended'], { message: 'status must be one of: active, suspended' })
  status?: string;

  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(3)
  @IsUUID('all', { each: true })
  ids?: string[];
}

const UUID = '0b5a3c7e-2d4f-4a6b-8c9d-1e2f3a4b5c6d';

async function issuesOf(plain: Record<string, unknown>, root = 'body') {
  const errors = await validate(plainToInstance(SampleDto, plain), {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: true },
  });
  return toValidationIssues(errors, root);
}

describe('toValidationIssues', () => {
  it('reports nothing for a valid object', async () => {
    expect(await issuesOf({ name: 'ok', per_page: 10, status: 'active', ids: [UUID] })).toEqual([]);
  });

  it('reports a missing field as missing, under the given root', async () => {
    expect(await issuesOf({ per_page: 1 }, 'query')).toEqual([
      { loc: ['query', 'name'], msg: 'Field required', type: 'missing' },
    ]);
  });

  it('reports null as none_forbidden for a field that may be omitted but not null', async () => {
    expect(await issuesOf({ name: 'ok', per_page: 1, status: null })).toEqual([
      { loc: ['body', 'status'], msg: 'Input should not be null', type: 'none_forbidden' },
    ]);
  });

  it('reports an unknown field as extra_forbidden', async () => {
    expect(await issuesOf({ name: 'ok', per_page: 1, role: 'admin' })).toEqual([
      { loc: ['body', 'role'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
    ]);
  });

  it('reports the type problem, not the range problem, of a wrong type', async () => {
    expect(await issuesOf({ name: 42, per_page: 'many' })).toEqual([
      { loc: ['body', 'name'], msg: 'Input should be a valid string', type: 'string_type' },
      { loc: ['body', 'per_page'], msg: 'Input should be a valid integer', type: 'int_parsing' },
    ]);
  });

  it('states the bound that was crossed', async () => {
    expect(await issuesOf({ name: 'too long', per_page: 101 })).toEqual([
      { loc: ['body', 'name'], msg: 'String should have at most 5 characters', type: 'string_too_long' },
      { loc: ['body', 'per_page'], msg: 'Input should be less than or equal to 100', type: 'less_than_equal' },
    ]);
    expect(await issuesOf({ name: 'ok', per_page: 0 })).toEqual([
      { loc: ['body', 'per_page'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' },
    ]);
  });

  it('keeps the message of an enum check and types it enum', async () => {
    expect(await issuesOf({ name: 'ok', per_page: 1, status: 'gone' })).toEqual([
      { loc: ['body', 'status'], msg: 'status must be one of: active, suspended', type: 'enum' },
    ]);
  });

  it('names each failing element of a list by its index', async () => {
    expect(await issuesOf({ name: 'ok', per_page: 1, ids: [UUID, 'nope', UUID, 'bad'] })).toEqual(
      expect.arrayContaining([
        { loc: ['body', 'ids', 1], msg: 'Input should be a valid UUID', type: 'uuid_parsing' },
        { loc: ['body', 'ids', 3], msg: 'Input should be a valid UUID', type: 'uuid_parsing' },
      ]),
    );
    const issues = await issuesOf({ name: 'ok', per_page: 1, ids: [UUID, 'nope'] });
    expect(issues).toEqual([{ loc: ['body', 'ids', 1], msg: 'Input should be a valid UUID', type: 'uuid_parsing' }]);
  });

  it('reports a list that is not a list as list_type', async () => {
    expect(await issuesOf({ name: 'ok', per_page: 1, ids: UUID })).toEqual([
      { loc: ['body', 'ids'], msg: 'Input should be a valid list', type: 'list_type' },
    ]);
  });
});
