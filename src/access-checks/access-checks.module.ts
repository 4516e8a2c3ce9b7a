import { Module } from '@nestjs/common';
import { AccessChecksController } from './access-checks.controller';
import { AccessChecksRepository } from './access-checks.repository';
import { AccessChecksService } from './access-checks.service';

@Module({
  controllers: [AccessChecksController],
  providers: [AccessChecksService, AccessChecksRepository],
})
export class AccessChecksModule {}
