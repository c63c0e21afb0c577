import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { buildParleySchema } from '../schema';

/** Writes schema.graphql from the type-graphql classes (a test fails when the committed one is stale). */
const schema = await buildParleySchema();
const path = new URL('../../../schema.graphql', import.meta.url);
writeFileSync(path, `${printSchema(schema)}\n`);
console.log(`wrote ${path.pathname}`);
