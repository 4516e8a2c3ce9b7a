import { QueryFailedError } from 'typeorm';
import { UsersErrors } from '../../users/users.errors';
import { toErrorReply } from './error-response';

function databaseError(code: string): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error('refused'), { code }));
}

describe('toErrorReply', () => {
  it.each(['22P02', '22001', '22021', '22003'])(
    'names the part of the request a refused value (%s) can have come from, not always the body',
    (code) => {
      const at = (inputs: { body: boolean; query: boolean }) =>
        (toErrorReply(databaseError(code), inputs).body.detail as Array<{ loc: string[] }>)[0].loc;
      expect(at({ body: true, query: true })).toEqual(['body']);
      expect(at({ body: false, query: true })).toEqual(['query']);
      expect(at({ body: false, query: false })).toEqual(['path']);
      expect(toErrorReply(databaseError(code), { body: false, query: true }).status).toBe(422);
    },
  );

  it('tells a statement cancelled by its time limit (57014) from an outage', () => {
    expect(toErrorReply(databaseError('57014'))).toMatchObject({
      status: 504,
      body: { detail: 'The request took too long: the database query ran past its time limit' },
    });
    expect(toErrorReply(databaseError('57P01'))).toMatchObject({
      status: 503,
      body: { detail: 'Database is unavailable' },
      headers: { 'Retry-After': '5' },
    });
  });

  it('answers a named error with its status and message', () => {
    expect(toErrorReply(UsersErrors.notFound.error())).toEqual({
      status: 404,
      body: { detail: 'User not found' },
      headers: {},
      unexpected: false,
    });
  });
});
