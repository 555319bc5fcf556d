import { hash, verify } from '@node-rs/argon2'

// argon2id, the memory-hard KDF that OWASP recommends first for stored
// passwords, with OWASP's parameters: 19 MiB of memory, 2 passes, 1 lane.
const PARAMETERS = {
  // Algorithm.Argon2id: the library declares it as a const enum, which
  // isolated modules cannot import.
  algorithm: 2 as const,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1
}

/** A self-describing hash (PHC string) of `password`. */
export const hashPassword = (password: string): Promise<string> => hash(password, PARAMETERS)

/** Whether `password` matches `hash`; false for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}
