import { describe, expect, it } from 'vitest';
import { maskValue } from '../../src/envdir/mask.js';

describe('maskValue', () => {
  it('hides the whole value of variables whose name says key, secret, password, passwd or token, in any case', () => {
    for (const name of ['API_KEY', 'aws_secret_access_key', 'PGPASSWORD', 'mysql_passwd', 'GithubToken', 'SECRET']) {
      expect(maskValue(name, 'hunter2')).toBe('****');
    }
  });

  it('shows an empty secret as empty, since that leaks nothing and is worth seeing', () => {
    expect(maskValue('API_KEY', '')).toBe('');
  });

  it('leaves ordinary values alone', () => {
    expect(maskValue('PORT', '8080')).toBe('8080');
    expect(maskValue('HOME_URL', 'https://example.com:8443/a:b@c')).toBe('https://example.com:8443/a:b@c');
    expect(maskValue('UPSTREAM', 'http://user@host/')).toBe('http://user@host/');
  });

  it('replaces the password of a URL but keeps scheme, user, host and path', () => {
    expect(maskValue('DATABASE_URL', 'postgres://app:s3cret@db.local:5432/app')).toBe('postgres://app:****@db.local:5432/app');
    expect(maskValue('REDIS_URL', 'redis://:s3cret@cache:6379/0')).toBe('redis://:****@cache:6379/0');
  });

  it("masks all of a password that itself contains '@'", () => {
    expect(maskValue('DATABASE_URL', 'mysql://u:p@ss@host/db')).toBe('mysql://u:****@host/db');
  });

  it('masks every URL in a list', () => {
    expect(maskValue('BROKERS', 'amqp://a:x@h1/ amqp://b:y@h2/')).toBe('amqp://a:****@h1/ amqp://b:****@h2/');
  });
});
