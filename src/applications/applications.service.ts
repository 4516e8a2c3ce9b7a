import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { containsPattern, FOREIGN_KEY_VIOLATION, isPostgresError } from '../common/database/postgres-errors';
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
  ) {}

  async create(tenantId: string, input: CreateApplicationDto): Promise<ApplicationResponse> {
    const application = this.applications.create({
      tenantId,
      name: input.name,
      description: input.description ?? null,
      status: input.status ?? 'active',
      clientId: generateClientId(),
    });
    try {
      return toApplicationResponse(await this.applications.save(application));
    } catch (error) {
      if (isPostgresError(error, FOREIGN_KEY_VIOLATION)) throw new NotFoundException('Tenant not found');
      throw error;
    }
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

  async update(tenantId: string, applicationId: string, input: UpdateApplicationDto): Promise<ApplicationResponse> {
    const application = await this.findOrFail(tenantId, applicationId);
    if (input.name !== undefined) application.name = input.name;
    if (input.description !== undefined) application.description = input.description;
    if (input.status !== undefined) application.status = input.status;
    return toApplicationResponse(await this.applications.save(application));
  }

  /** The application's assignments go with it (ON DELETE CASCADE). */
  async remove(tenantId: string, applicationId: string): Promise<void> {
    const result = await this.applications.delete({ tenantId, id: applicationId });
    if (!result.affected) throw new NotFoundException('Application not found');
  }

  /** 404 unless the application exists in this tenant. */
  async assertExists(tenantId: string, applicationId: string): Promise<void> {
    if (!(await this.applications.existsBy({ tenantId, id: applicationId }))) {
      throw new NotFoundException('Application not found');
    }
  }

  private async findOrFail(tenantId: string, applicationId: string): Promise<ApplicationEntity> {
    const application = await this.applications.findOneBy({ tenantId, id: applicationId });
    if (!application) throw new NotFoundException('Application not found');
    return application;
  }
}
