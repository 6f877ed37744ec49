// The cache seen by the app: strings by key with a TTL. A failing backend is a miss, never an error.

/** A key-value cache; get resolves undefined on a miss or an outage. */
export interface Cache {
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSec: number): Promise<void>;
  close(): Promise<void>;
}
