import { Module } from '@nestjs/common';
import { ChangesModule } from '../changes/changes.module';
import { DeletionsModule } from '../deletions/deletions.module';
import { TenantsController } from './tenants.controller';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

@Module({
  imports: [ChangesModule, DeletionsModule],
  controllers: [TenantsController],
  providers: [TenantsService, TenantsRepository],
  exports: [TenantsService],
})
export class TenantsModule {}
