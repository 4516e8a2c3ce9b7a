import { errorKind } from '../common/errors/api-error';

export const WebhooksErrors = {
  notFound: errorKind(404, 'Webhook subscription not found'),
};
