import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { containsPattern } from '../common/database/postgres-errors';
import { inTransaction } from '../common/database/transaction';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { TenantsService } from '../tenants/tenants.service';
import { ApplicationEntity } from './application.entity';
import { generateClientId } from './client-id';
import { ApplicationResponse } from './dto/application.dto';
import { toApplicationResponse } from './dto/application.mapper';
import { CreateApplicationDto } from './dto/create-application.dto';
import { UpdateApplicationDto } from './dto/update-application.dto';

@Injectable()
export class ApplicationsService {
  constructor(
    @InjectRepository(ApplicationEntity) private readonly applications: Repository<ApplicationEntity>,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, tenantId: string, input: CreateApplicationDto): Promise<ApplicationResponse> {
    return this.write(async (manager) => {
      const application = await manager.save(
        manager.create(ApplicationEntity, {
          tenantId,
          name: input.name,
          description: input.description ?? null,
          status: input.status ?? 'active',
          clientId: generateClientId(),
        }),
      );
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'application.created',
        { type: 'application', id: application.id },
        {
          ...input,
          client_id: application.clientId,
        },
      );
      return toApplicationResponse(application);
    });
  }

  /** Ordered by name, then id; `q` matches the name, case-insensitively. */
  async list(tenantId: string, page: PageRequest, q?: string): Promise<Page<ApplicationResponse>> {
    await this.tenants.assertExists(tenantId);
    const query = this.applications.createQueryBuilder('a').where('a.tenant_id = :tenantId', { tenantId });
    if (q) query.andWhere('a.name ILIKE :pattern', { pattern: containsPattern(q) });
    const [rows, total] = await query
      .orderBy('a.name', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .offset(offsetOf(page))
      .limit(page.perPage)
      .getManyAndCount();
    return new Page(rows.map(toApplicationResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, applicationId: string): Promise<ApplicationResponse> {
    return toApplicationResponse(await this.findOrFail(tenantId, applicationId));
  }

  async update(actor: Actor, tenantId: string, applicationId: string, input: UpdateApplicationDto): Promise<ApplicationResponse> {
    return this.write(async (manager) => {
      const application = await this.findOrFail(tenantId, applicationId, manager);
      if (input.name !== undefined) application.name = input.name;
      if (input.description !== undefined) application.description = input.description;
      if (input.status !== undefined) application.status = input.status;
      const saved = await manager.save(application);
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'application.updated',
        { type: 'application', id: applicationId },
        { ...input },
      );
      return toApplicationResponse(saved);
    });
  }

  /** The application's assignments go with it (ON DELETE CASCADE). */
  async remove(actor: Actor, tenantId: string, applicationId: string): Promise<void> {
    await this.write(async (manager) => {
      const result = await manager.delete(ApplicationEntity, { tenantId, id: applicationId });
      if (!result.affected) throw new NotFoundException('Application not found');
      await this.audit.record(manager, tenantId, actor, 'application.deleted', { type: 'application', id: applicationId });
    });
  }

  /** 404 unless the application exists in this tenant. */
  async assertExists(tenantId: string, applicationId: string): Promise<void> {
    if (!(await this.applications.existsBy({ tenantId, id: applicationId }))) {
      throw new NotFoundException('Application not found');
    }
  }

  private async findOrFail(
    tenantId: string,
    applicationId: string,
    manager: EntityManager = this.applications.manager,
  ): Promise<ApplicationEntity> {
    const application = await manager.findOneBy(ApplicationEntity, { tenantId, id: applicationId });
    if (!application) throw new NotFoundException('Application not found');
    return application;
  }

  /** One transaction for the change and its audit event. */
  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.applications.manager, work, { missingReference: 'Tenant not found' });
  }
}
