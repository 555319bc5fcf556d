import argon2 from 'argon2'

// argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes): the
// memory-hard KDF that OWASP recommends first for stored passwords.

/** A self-describing hash (PHC string) of `password`. */
export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id })

/** Whether `password` matches `hash`; false for a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}
