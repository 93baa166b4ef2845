import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GangwayError, InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import type { Actor, StoreContext } from './context.js';

export const SECRET_KEY_ENV = 'GANGWAY_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

export interface SecretInfo {
  scope: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

function decodeKey(text: string, from: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new InputError(
      'secret.key',
      `${from} must be 32 bytes, base64-encoded (it decodes to ${key.length} bytes)`,
    );
  }
  return key;
}

/**
 * The AES-256 key: GANGWAY_SECRET_KEY (base64 of 32 bytes) when set, else `<dataDir>/secret.key`, created with
 * mode 0600 the first time a secret is used. Losing the key loses the secrets; that is the point.
 */
export function loadSecretKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv) return decodeKey(fromEnv, SECRET_KEY_ENV);
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    return decodeKey(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    // wx: two processes creating the key at once must not each write their own.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
}

// The scope and name are authenticated data: a ciphertext copied to another slot does not decrypt there.
function aad(scope: string, name: string): Buffer {
  return Buffer.from(`gangway-secret\0${scope}\0${name}`, 'utf8');
}

/** Encrypts with AES-256-GCM; returns base64 of iv || tag || ciphertext. */
export function encryptSecret(key: Buffer, scope: string, name: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(scope, name));
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

/** Reverses encryptSecret; throws (without the value) when the key or the slot is wrong. */
export function decryptSecret(key: Buffer, scope: string, name: string, stored: string): string {
  const raw = Buffer.from(stored, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(aad(scope, name));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new GangwayError(
      'secret.decrypt',
      `secret ${scope}/${name} cannot be decrypted: wrong ${SECRET_KEY_ENV} or key file, or the row was altered`,
      { cause: err },
    );
  }
}

/** Secrets encrypted at rest; listed by name only. */
export function secretRepository(ctx: StoreContext, keyOf: () => Buffer) {
  let key: Buffer | undefined;
  const getKey = (): Buffer => {
    key ??= keyOf();
    return key;
  };
  return {
    /** Stores (or replaces) a secret value, encrypted. The audit event names the secret, never its value. */
    async put(scope: string, name: string, value: string, by: Actor = { actor: 'system' }): Promise<void> {
      if (!scope || !name) throw new InputError('secret.name', 'a secret needs a scope and a name');
      const now = ctx.now();
      const at = now.toISOString();
      const ciphertext = encryptSecret(getKey(), scope, name, value);
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('secrets')
          .values({ scope, name, ciphertext, created_at: at, updated_at: at })
          .onConflict((oc) => oc.columns(['scope', 'name']).doUpdateSet({ ciphertext, updated_at: at }))
          .execute();
        await appendAudit(trx, now, {
          actor: by.actor,
          action: 'secret.put',
          subject: `${scope}/${name}`,
          payload: { scope, name },
        });
      });
    },

    /** The decrypted value, or undefined when there is no such secret. */
    async get(scope: string, name: string): Promise<string | undefined> {
      const row = await ctx.db
        .selectFrom('secrets')
        .select('ciphertext')
        .where('scope', '=', scope)
        .where('name', '=', name)
        .executeTakeFirst();
      return row && decryptSecret(getKey(), scope, name, row.ciphertext);
    },

    /** Names and dates of the secrets (of one scope), never their values. */
    async list(scope?: string): Promise<SecretInfo[]> {
      let q = ctx.db
        .selectFrom('secrets')
        .select(['scope', 'name', 'created_at', 'updated_at'])
        .orderBy('scope')
        .orderBy('name');
      if (scope !== undefined) q = q.where('scope', '=', scope);
      return (await q.execute()).map((r) => ({
        scope: r.scope,
        name: r.name,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },

    /** Deletes a secret; false when there was none. */
    async delete(scope: string, name: string, by: Actor = { actor: 'system' }): Promise<boolean> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const res = await trx
          .deleteFrom('secrets')
          .where('scope', '=', scope)
          .where('name', '=', name)
          .executeTakeFirst();
        if (Number(res.numDeletedRows) === 0) return false;
        await appendAudit(trx, now, {
          actor: by.actor,
          action: 'secret.deleted',
          subject: `${scope}/${name}`,
          payload: { scope, name },
        });
        return true;
      });
    },
  };
}

export type SecretRepository = ReturnType<typeof secretRepository>;
