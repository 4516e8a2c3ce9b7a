import { MetricsAuth } from './metrics-auth';

const TOKEN = 'a-metrics-token-of-more-than-32-characters';

describe('MetricsAuth', () => {
  it('lets every scrape through when no token is configured', () => {
    const auth = new MetricsAuth(undefined);
    expect(auth.refusal(undefined)).toBeUndefined();
    expect(auth.refusal('Bearer anything')).toBeUndefined();
  });

  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN} `])('accepts %j', (header) => {
    expect(new MetricsAuth(TOKEN).refusal(header)).toBeUndefined();
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`])(
    'answers 401 Not authenticated to %j',
    (header) => {
      expect(new MetricsAuth(TOKEN).refusal(header)).toEqual({
        status: 401,
        body: { detail: 'Not authenticated' },
        headers: { 'WWW-Authenticate': 'Bearer realm="iam"' },
        unexpected: false,
      });
    },
  );

  it.each([`${TOKEN.slice(0, -1)}x`, TOKEN.slice(1), `${TOKEN}x`, TOKEN.toUpperCase()])(
    'answers 401 Invalid token to Bearer %s',
    (token) => {
      expect(new MetricsAuth(TOKEN).refusal(`Bearer ${token}`)).toEqual({
        status: 401,
        body: { detail: 'Invalid token' },
        headers: { 'WWW-Authenticate': 'Bearer realm="iam", error="invalid_token"' },
        unexpected: false,
      });
    },
  );
});
