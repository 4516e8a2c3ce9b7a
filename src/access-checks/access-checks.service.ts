import { Injectable } from '@nestjs/common';
import type { ErrorKind } from '../common/errors/api-error';
import { AccessChecksErrors } from './access-checks.errors';
import { AccessCheckPair, AccessCheckRow, AccessChecksRepository } from './access-checks.repository';
import type { AccessCheck, AccessCheckError, AccessCheckOutcome } from './dto/access-check.dto';
import type { AccessCheckRequest } from './dto/access-check-request.dto';

function pairOf(request: AccessCheckRequest): AccessCheckPair {
  return { userId: request.user_id, applicationId: request.application_id, clientId: request.client_id };
}

/** The answer to one check, or the named error it is: an unknown user first, then an unknown application. */
function answer(request: AccessCheckRequest, row: AccessCheckRow): AccessCheck | ErrorKind {
  if (!row.user_exists) return AccessChecksErrors.userNotFound;
  if (row.application_id === null || row.client_id === null) return AccessChecksErrors.applicationNotFound;
  return {
    user_id: request.user_id,
    application_id: row.application_id,
    client_id: row.client_id,
    granted: row.direct || row.groups.length > 0,
    direct: row.direct,
    groups: row.groups,
  };
}

function itemError(request: AccessCheckRequest, kind: ErrorKind): AccessCheckError {
  const named =
    request.application_id !== undefined ? { application_id: request.application_id } : { client_id: request.client_id };
  return { user_id: request.user_id, ...named, error: { status: kind.status, detail: kind.error().message } };
}

/**
 * The gateway's question: may this user use this application, and through what. Reads only
 * (no audit, nothing to retry safely): one statement per check, one per batch.
 */
@Injectable()
export class AccessChecksService {
  constructor(private readonly checks: AccessChecksRepository) {}

  async check(tenantId: string, request: AccessCheckRequest): Promise<AccessCheck> {
    const result = answer(request, await this.checks.check(tenantId, pairOf(request)));
    if ('status' in result) throw result.error();
    return result;
  }

  /** Every check answered in order; an unknown user or application is an error in its item, not for the batch. */
  async checkMany(tenantId: string, requests: AccessCheckRequest[]): Promise<AccessCheckOutcome[]> {
    const rows = await this.checks.checkMany(tenantId, requests.map(pairOf));
    return requests.map((request, index) => {
      const result = answer(request, rows[index]);
      return 'status' in result ? itemError(request, result) : result;
    });
  }
}
