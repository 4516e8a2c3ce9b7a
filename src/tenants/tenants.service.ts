import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isPostgresError, UNIQUE_VIOLATION } from '../common/database/postgres-errors';
import { Page, PageRequest, offsetOf } from '../common/http/page';
import { Principal } from '../common/auth/principal';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantResponse } from './dto/tenant.dto';
import { toTenantResponse } from './dto/tenant.mapper';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantEntity } from './tenant.entity';

@Injectable()
export class TenantsService {
  constructor(@InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>) {}

  async create(input: CreateTenantDto): Promise<TenantResponse> {
    const tenant = await this.saveUnique(this.tenants.create({ name: input.name, slug: input.slug, status: input.status ?? 'active' }));
    return toTenantResponse(tenant);
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

  async update(tenantId: string, input: UpdateTenantDto): Promise<TenantResponse> {
    const tenant = await this.findOrFail(tenantId);
    this.tenants.merge(tenant, input);
    return toTenantResponse(await this.saveUnique(tenant));
  }

  async remove(tenantId: string): Promise<void> {
    const result = await this.tenants.delete({ id: tenantId });
    if (!result.affected) throw new NotFoundException('Tenant not found');
  }

  /** 404 unless the tenant exists; used by every tenant-scoped module. */
  async assertExists(tenantId: string): Promise<void> {
    if (!(await this.tenants.existsBy({ id: tenantId }))) throw new NotFoundException('Tenant not found');
  }

  private async findOrFail(tenantId: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findOneBy({ id: tenantId });
    if (!tenant) throw new NotFoundException('Tenant not found');
    return tenant;
  }

  private async saveUnique(tenant: TenantEntity): Promise<TenantEntity> {
    try {
      return await this.tenants.save(tenant);
    } catch (error) {
      if (isPostgresError(error, UNIQUE_VIOLATION)) throw new ConflictException('A tenant with this slug already exists');
      throw error;
    }
  }
}
