// Generates typed GraphQL documents from the query service's exported SDL.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: process.env.GRAPHQL_SCHEMA ?? '../../schema/graphql/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        defaultScalarType: 'unknown',
        scalars: {
          DateTime: 'string',
          NaiveDate: 'string',
          Date: 'string',
          UUID: 'string',
          Position: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
};

export default config;
