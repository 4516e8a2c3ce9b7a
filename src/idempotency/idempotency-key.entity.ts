import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One Idempotency-Key and the response its first request got (see the IdempotencyKeys migration). */
@Entity({ name: 'idempotency_keys' })
@Index('ix_idempotency_keys_expires_at', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** The tenant of the request (for a tenant's creation: the tenant of the caller's token, or the nil UUID). */
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_idempotency_keys' })
  tenantId!: string;

  /** The token's `sub`. */
  @PrimaryColumn({ name: 'subject', type: 'varchar', length: 255, primaryKeyConstraintName: 'pk_idempotency_keys' })
  subject!: string;

  @PrimaryColumn({ name: 'key', type: 'varchar', length: 255, primaryKeyConstraintName: 'pk_idempotency_keys' })
  key!: string;

  /** SHA-256 (hex) of the method, the route with its path values, and the canonical JSON body. */
  @Column({ name: 'fingerprint', type: 'varchar', length: 64 })
  fingerprint!: string;

  /** `POST /api/v1/tenants/:tenant_id/users`: named in the error when the key is reused for another operation. */
  @Column({ name: 'operation', type: 'varchar', length: 200 })
  operation!: string;

  /** Always `completed`: a request in flight holds an advisory lock on its key and has no row yet. */
  @Column({ name: 'status', type: 'varchar', length: 16, default: 'completed' })
  status!: string;

  @Column({ name: 'response_status', type: 'smallint' })
  responseStatus!: number;

  /** The headers that matter (Content-Type, ETag, Location), by lower-case name. */
  @Column({ name: 'response_headers', type: 'jsonb' })
  responseHeaders!: Record<string, string>;

  /** The body exactly as sent (text, not jsonb, which would reorder its keys). */
  @Column({ name: 'response_body', type: 'text' })
  responseBody!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
