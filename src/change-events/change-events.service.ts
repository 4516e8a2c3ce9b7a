import { Injectable } from '@nestjs/common';
import { Page, PageRequest } from '../common/http/page';
import { TenantsService } from '../tenants/tenants.service';
import { toChangeEventPayload } from './change-event-payload';
import { ChangeEventsRepository } from './change-events.repository';
import type { ChangeEventResponse } from './dto/change-event.dto';

@Injectable()
export class ChangeEventsService {
  constructor(
    private readonly events: ChangeEventsRepository,
    private readonly tenants: TenantsService,
  ) {}

  /** The tenant's change events in the order they were recorded (oldest first). */
  async list(tenantId: string, page: PageRequest, type?: string): Promise<Page<ChangeEventResponse>> {
    await this.tenants.assertExists(tenantId);
    const { rows, total } = await this.events.page(tenantId, page, type);
    return new Page(rows.map(toChangeEventPayload), page.page, page.perPage, total);
  }
}
