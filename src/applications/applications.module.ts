import { Module } from '@nestjs/common';
import { ChangesModule } from '../changes/changes.module';
import { DeletionsModule } from '../deletions/deletions.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';

@Module({
  imports: [TenantsModule, ChangesModule, DeletionsModule],
  controllers: [ApplicationsController],
  providers: [ApplicationsService, ApplicationsRepository],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}
