import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'MetaResponse', description: 'Metadata included in API responses.' })
export class MetaResponse {
  @ApiProperty({ type: 'string', nullable: true, required: false, example: '3f0e8a5c-6f7d-4d43-9a57-2d8d1b9f0c11' })
  request_id?: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', required: false, example: '2026-01-01T12:00:00.000Z' })
  timestamp?: string;
}

@ApiSchema({ name: 'PaginationMeta', description: 'Pagination metadata.' })
export class PaginationMeta {
  @ApiProperty({ type: 'integer', example: 1 })
  page!: number;

  @ApiProperty({ type: 'integer', example: 20 })
  per_page!: number;

  @ApiProperty({ type: 'integer', example: 42 })
  total_items!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  total_pages!: number;
}
