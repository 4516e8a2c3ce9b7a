import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import type { PageRequest } from './page';

export const MAX_PER_PAGE = 100;
/**
 * The largest page still held exactly by a JS number; its offset (at most 100 times as
 * large) stays within PostgreSQL's bigint. Beyond it, a 422 naming `page` instead of a
 * database error.
 */
export const MAX_PAGE = Number.MAX_SAFE_INTEGER;

export class PaginationQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: MAX_PER_PAGE, example: 20 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  per_page = 20;

  toPageRequest(): PageRequest {
    return { page: this.page, perPage: this.per_page };
  }
}
