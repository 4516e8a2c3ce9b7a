import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../audit/actor';
import { RequireScopes } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { ApplicationsService } from './applications.service';
import { ApplicationResponse } from './dto/application.dto';
import { CreateApplicationDto } from './dto/create-application.dto';
import { ListApplicationsQueryDto } from './dto/list-applications-query.dto';
import { UpdateApplicationDto } from './dto/update-application.dto';

@ApiTags('Applications')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant_id/applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @RequireScopes(Scope.ApplicationsWrite)
  @Endpoint({ summary: 'Create Application', status: 201, response: ApiResponseEnvelope(ApplicationResponse), errors: [404] })
  create(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Body() body: CreateApplicationDto,
  ): Promise<ApplicationResponse> {
    return this.applications.create(actor, tenantId, body);
  }

  @Get()
  @RequireScopes(Scope.ApplicationsRead)
  @Endpoint({
    summary: 'List Applications',
    description: 'Applications of the tenant ordered by name, then id. `q` filters on the name.',
    status: 200,
    response: PaginatedResponseEnvelope(ApplicationResponse),
    errors: [404],
  })
  list(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Query() query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationResponse>> {
    return this.applications.list(tenantId, query.toPageRequest(), query.q);
  }

  @Get(':application_id')
  @RequireScopes(Scope.ApplicationsRead)
  @Endpoint({ summary: 'Get Application', status: 200, response: ApiResponseEnvelope(ApplicationResponse), errors: [404] })
  get(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<ApplicationResponse> {
    return this.applications.get(tenantId, applicationId);
  }

  @Patch(':application_id')
  @RequireScopes(Scope.ApplicationsWrite)
  @Endpoint({ summary: 'Update Application', status: 200, response: ApiResponseEnvelope(ApplicationResponse), errors: [404] })
  update(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @Body() body: UpdateApplicationDto,
  ): Promise<ApplicationResponse> {
    return this.applications.update(actor, tenantId, applicationId, body);
  }

  @Delete(':application_id')
  @RequireScopes(Scope.ApplicationsWrite)
  @Endpoint({
    summary: 'Delete Application',
    description: 'Deletes the application with every user and group assignment to it.',
    status: 204,
    errors: [404],
  })
  remove(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<void> {
    return this.applications.remove(actor, tenantId, applicationId);
  }
}
