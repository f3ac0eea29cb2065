// One set of ajv options for the precompiled validator (scripts/compile-schema.mjs) and the fallback.
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;
