-- A person import places each batch of rows as it is read (app.import_person_batch), so the
-- address of a row is looked up in the tenant's households once per batch, not once per import:
-- by an index on the address without white space (the exact match is the subset of these
-- candidates whose address is equal as written).
create index households_address_squeezed on households (tenant_id, (regexp_replace(address, '\s', '', 'g')));
