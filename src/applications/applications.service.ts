import { Injectable } from '@nestjs/common';
import { ChangeWriter } from '../changes/change-writer';
import type { Actor } from '../common/auth/principal';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import { Page, PageRequest } from '../common/http/page';
import { type IfMatch, matchableVersions, namesVersions, Versioned } from '../common/http/versioned';
import { DeletionsErrors } from '../deletions/deletions.errors';
import { DeletionsRepository } from '../deletions/deletions.repository';
import { DeletionResponse } from '../deletions/dto/deletion.dto';
import { toDeletionResponse } from '../deletions/dto/deletion.mapper';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { TenantsErrors } from '../tenants/tenants.errors';
import { TenantsService } from '../tenants/tenants.service';
import { ApplicationsErrors } from './applications.errors';
import { ApplicationsRepository } from './applications.repository';
import { generateClientId } from './client-id';
import { ApplicationResponse } from './dto/application.dto';
import { toApplicationResponse } from './dto/application.mapper';
import { CreateApplicationDto } from './dto/create-application.dto';
import { UpdateApplicationDto } from './dto/update-application.dto';

const VIOLATIONS = { missingReference: TenantsErrors.notFound };

@Injectable()
export class ApplicationsService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeWriter,
    private readonly deletions: DeletionsRepository,
  ) {}

  create(
    tenantId: string,
    actor: Actor,
    input: CreateApplicationDto,
    idempotency?: IdempotentRequest,
  ): Promise<Versioned<ApplicationResponse>> {
    const write = async (tx: Tx) => {
      const application = await this.applications.insert(
        tenantId,
        { name: input.name, description: input.description ?? null, status: input.status ?? 'active' },
        generateClientId(),
        tx,
      );
      return {
        result: new Versioned(toApplicationResponse(application), application.version),
        audit: {
          action: 'application.created' as const,
          target: { type: 'application' as const, id: application.id },
          details: { ...input, client_id: application.client_id },
        },
      };
    };
    return this.changes.write(tenantId, actor, VIOLATIONS, write, { idempotency });
  }

  /** Ordered by name, then id; `q` matches the name, case-insensitively. */
  async list(
    tenantId: string,
    page: PageRequest,
    q?: string,
    consistency?: RequestConsistency,
  ): Promise<Page<ApplicationResponse>> {
    await this.tenants.assertExists(tenantId, consistency);
    const { rows, total } = await this.applications.page(tenantId, page, q, consistency);
    return new Page(rows.map(toApplicationResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, applicationId: string): Promise<Versioned<ApplicationResponse>> {
    const application = await this.applications.find(tenantId, applicationId);
    if (!application) throw ApplicationsErrors.notFound.error();
    return new Versioned(toApplicationResponse(application), application.version);
  }

  /** With If-Match: only if the application is still at a version it names (412 otherwise, nothing changed). */
  update(
    tenantId: string,
    applicationId: string,
    actor: Actor,
    input: UpdateApplicationDto,
    ifMatch?: IfMatch,
  ): Promise<Versioned<ApplicationResponse>> {
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      const application = await this.applications.update(tenantId, applicationId, input, matchableVersions(ifMatch), tx);
      if (!application) {
        throw namesVersions(ifMatch) && (await this.applications.exists(tenantId, applicationId))
          ? ApplicationsErrors.versionMismatch.error()
          : ApplicationsErrors.notFound.error();
      }
      return {
        result: new Versioned(toApplicationResponse(application), application.version),
        audit: { action: 'application.updated', target: { type: 'application', id: applicationId }, details: { ...input } },
      };
    });
  }

  /**
   * The application's assignments go with it. A small application is deleted now
   * (undefined: 204); a large one is invisible from now on and removed in the background
   * (the deletion: 202). With If-Match: only if the application is still at a version it
   * names (412 otherwise), compared while its row is locked.
   */
  remove(tenantId: string, applicationId: string, actor: Actor, ifMatch?: IfMatch): Promise<DeletionResponse | undefined> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      const size = await this.applications.lockForDeletion(tenantId, applicationId, tx);
      if (!size) throw ApplicationsErrors.notFound.error();
      const versions = matchableVersions(ifMatch);
      if (versions && !versions.includes(size.version)) throw ApplicationsErrors.versionMismatch.error();
      const target = { type: 'application', id: applicationId } as const;
      if (size.rows <= size.inlineLimit) {
        await this.applications.delete(tenantId, applicationId, tx);
        return {
          result: undefined,
          audit: { action: 'application.deleted', target },
          events: [{ type: 'application.deleted', data: { application_id: applicationId } }],
        };
      }
      await this.applications.markDeleted(tenantId, applicationId, tx);
      const deletion = toDeletionResponse(await this.deletions.accept(tenantId, 'application', applicationId, actor, tx));
      // Emitted at acceptance: from the 202 on, the application grants nothing.
      return {
        result: deletion,
        audit: { action: 'application.deleted', target, details: { deletion_id: deletion.id } },
        events: [{ type: 'application.deleted', data: { application_id: applicationId, deletion_id: deletion.id } }],
      };
    });
  }

  /** The latest deletion of the application carried out in the background. */
  async deletion(tenantId: string, applicationId: string): Promise<DeletionResponse> {
    const deletion = await this.deletions.latest(tenantId, 'application', applicationId);
    if (!deletion) throw DeletionsErrors.notFound.error();
    return toDeletionResponse(deletion);
  }

  /** 404 unless the application exists in this tenant. */
  async assertExists(tenantId: string, applicationId: string): Promise<void> {
    if (!(await this.applications.exists(tenantId, applicationId))) throw ApplicationsErrors.notFound.error();
  }
}
