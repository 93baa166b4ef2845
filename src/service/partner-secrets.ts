import type { Store } from '../store/index.js';

/** The secret values a partner's runs may use: its own scope wins over "global". Kept in memory only. */
export async function partnerSecrets(store: Store, partnerId: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const scope of ['global', partnerId]) {
    for (const info of await store.secrets.list(scope)) {
      const value = await store.secrets.get(scope, info.name);
      if (value !== undefined) values.set(info.name, value);
    }
  }
  return values;
}
