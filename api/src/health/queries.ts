// SQL of the health check.
import { sql } from '../db/sql.ts';

export const postgisVersion = () => sql`select postgis_lib_version() as v`;
