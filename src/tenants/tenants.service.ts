import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/auth/principal';
import { inTransaction } from '../common/database/transaction';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantResponse } from './dto/tenant.dto';
import { toTenantResponse } from './dto/tenant.mapper';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantEntity } from './tenant.entity';

@Injectable()
export class TenantsService {
  constructor(
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: CreateTenantDto): Promise<TenantResponse> {
    return this.write(async (manager) => {
      const tenant = await manager.save(
        manager.create(TenantEntity, { name: input.name, slug: input.slug, status: input.status ?? 'active' }),
      );
      await this.audit.record(manager, tenant.id, actor, 'tenant.created', { type: 'tenant', id: tenant.id }, { ...input });
      return toTenantResponse(tenant);
    });
  }

  /** A platform admin sees every tenant; anyone else only the one their token acts in. */
  async list(principal: Principal, page: PageRequest): Promise<Page<TenantResponse>> {
    const [rows, total] = await this.tenants.findAndCount({
      where: principal.isPlatformAdmin ? {} : { id: principal.tenantId },
      order: { slug: 'ASC', id: 'ASC' },
      skip: offsetOf(page),
      take: page.perPage,
    });
    return new Page(rows.map(toTenantResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string): Promise<TenantResponse> {
    return toTenantResponse(await this.findOrFail(tenantId));
  }

  async update(actor: Actor, tenantId: string, input: UpdateTenantDto): Promise<TenantResponse> {
    return this.write(async (manager) => {
      const tenant = await this.findOrFail(tenantId, manager);
      manager.merge(TenantEntity, tenant, input);
      const saved = await manager.save(tenant);
      await this.audit.record(manager, tenantId, actor, 'tenant.updated', { type: 'tenant', id: tenantId }, { ...input });
      return toTenantResponse(saved);
    });
  }

  /** Everything of the tenant goes with it (ON DELETE CASCADE); its audit trail stays. */
  async remove(actor: Actor, tenantId: string): Promise<void> {
    await this.write(async (manager) => {
      const result = await manager.delete(TenantEntity, { id: tenantId });
      if (!result.affected) throw new NotFoundException('Tenant not found');
      await this.audit.record(manager, tenantId, actor, 'tenant.deleted', { type: 'tenant', id: tenantId });
    });
  }

  /** 404 unless the tenant exists; used by every tenant-scoped module. */
  async assertExists(tenantId: string): Promise<void> {
    if (!(await this.tenants.existsBy({ id: tenantId }))) throw new NotFoundException('Tenant not found');
  }

  private async findOrFail(tenantId: string, manager: EntityManager = this.tenants.manager): Promise<TenantEntity> {
    const tenant = await manager.findOneBy(TenantEntity, { id: tenantId });
    if (!tenant) throw new NotFoundException('Tenant not found');
    return tenant;
  }

  /** One transaction for the change and its audit event. */
  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.tenants.manager, work, { duplicate: 'A tenant with this slug already exists' });
  }
}
