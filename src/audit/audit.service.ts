import { Injectable } from '@nestjs/common';
import type { RequestConsistency } from '../common/http/consistency';
import { Page, PageRequest } from '../common/http/page';
import { type AuditFilter, AuditRepository } from './audit.repository';
import { AuditEventResponse } from './dto/audit-event.dto';
import { toAuditEventResponse } from './dto/audit-event.mapper';

@Injectable()
export class AuditService {
  constructor(private readonly events: AuditRepository) {}

  /** Newest first (ties by id, descending). */
  async list(
    tenantId: string,
    page: PageRequest,
    filter: AuditFilter,
    consistency?: RequestConsistency,
  ): Promise<Page<AuditEventResponse>> {
    const { rows, total } = await this.events.page(tenantId, page, filter, consistency);
    return new Page(rows.map(toAuditEventResponse), page.page, page.perPage, total);
  }
}
