/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  relorm_catalog: the only code that reads or writes its rows.
 *
 * relorm_catalog, in the extension's schema, stores one row per relation:
 * tables by OID (regclass) and columns by attribute number, so that a
 * renamed table or column keeps its relations, and beside them the column
 * names, so that pg_dump and restore (which may renumber columns) keep
 * them too (metadata.c reads them back).
 *
 * The catalog is written directly, like a system catalog, after the
 * caller's ownership of the tables has been checked (register.c): callers
 * need no privilege on it, and cannot write it by other means.  Every
 * change sends a relcache invalidation of the catalog table, which every
 * backend's metadata cache listens to (metadata.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "metadata.h"

#define CATALOG_TABLE_NAME	"relorm_catalog"
#define CATALOG_INDEX_NAME	"relorm_catalog_pkey"

/* OIDs of relorm's own catalog table and its index, looked up once */
static Oid	catalog_relid = InvalidOid;
static Oid	catalog_index_relid = InvalidOid;

/*
 * extension_namespace returns the schema relorm is installed in, or
 * InvalidOid when the extension is not installed in this database.
 */
static Oid
extension_namespace(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			nsp = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("relorm"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		nsp = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/* catalog_natts: the number of columns of relid (dropped ones included). */
static int
catalog_natts(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int			natts;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	natts = ((Form_pg_class) GETSTRUCT(tuple))->relnatts;
	ReleaseSysCache(tuple);
	return natts;
}

/*
 * relorm_catalog_relid returns the OID of relorm_catalog.  Without the
 * extension that is an error, unless missing_ok.  Forgotten by
 * relorm_catalog_forget (the extension may be dropped and created again).
 */
Oid
relorm_catalog_relid(bool missing_ok)
{
	if (!OidIsValid(catalog_relid))
	{
		Oid			nsp;

		/* whoever caches the OID must hear when the catalog changes */
		relorm_metadata_init();
		nsp = extension_namespace();

		if (OidIsValid(nsp))
		{
			catalog_relid = get_relname_relid(CATALOG_TABLE_NAME, nsp);
			catalog_index_relid = get_relname_relid(CATALOG_INDEX_NAME, nsp);
		}
		if (!OidIsValid(catalog_relid) || !OidIsValid(catalog_index_relid))
		{
			catalog_relid = catalog_index_relid = InvalidOid;
			if (missing_ok)
				return InvalidOid;
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("extension \"relorm\" is not installed in this database"),
					 errhint("Run CREATE EXTENSION relorm.")));
		}
		/* the C code reads rows of exactly this shape */
		if (catalog_natts(catalog_relid) != Natts_catalog)
		{
			catalog_relid = catalog_index_relid = InvalidOid;
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("relorm_catalog does not have the columns this build of relorm expects"),
					 errhint("Update the extension with ALTER EXTENSION relorm UPDATE, or install the matching library.")));
		}
	}
	return catalog_relid;
}

/*
 * relorm_catalog_relid_cached: the OID of relorm_catalog if it has been
 * looked up, else InvalidOid; reads no catalog (for invalidation
 * callbacks).
 */
Oid
relorm_catalog_relid_cached(void)
{
	return catalog_relid;
}

/*
 * relorm_catalog_forget forgets the catalog's OIDs; the next use looks
 * them up again (called when the metadata cache is reset).
 */
void
relorm_catalog_forget(void)
{
	catalog_relid = InvalidOid;
	catalog_index_relid = InvalidOid;
}

/* row_from_tuple: a deformed copy of a catalog tuple. */
static CatalogRow *
row_from_tuple(HeapTuple tuple, TupleDesc desc)
{
	CatalogRow *row = palloc(sizeof(CatalogRow));
	HeapTuple	copy = heap_copytuple(tuple);

	row->tid = tuple->t_self;
	heap_deform_tuple(copy, desc, row->values, row->nulls);
	return row;
}

/*
 * scan_catalog: the rows of source (all rows when InvalidOid), or the one
 * row of (source, name) when name is given.
 */
static List *
scan_catalog(Oid source, const char *name)
{
	Relation	catalog = table_open(relorm_catalog_relid(false), AccessShareLock);
	ScanKeyData keys[2];
	int			nkeys = 0;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *rows = NIL;
	Oid			index;

	/*
	 * Opening the catalog takes a lock, which processes invalidations; a
	 * cache reset among them makes us forget the catalog's OIDs.  Look the
	 * index up again after that, rather than scan index OID 0.
	 */
	(void) relorm_catalog_relid(false);
	index = catalog_index_relid;

	if (OidIsValid(source))
		ScanKeyInit(&keys[nkeys++], Anum_catalog_source, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(source));
	if (name != NULL)
		ScanKeyInit(&keys[nkeys++], Anum_catalog_name, BTEqualStrategyNumber,
					F_TEXTEQ, CStringGetTextDatum(name));
	scan = systable_beginscan(catalog, index, nkeys > 0, NULL, nkeys, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		rows = lappend(rows, row_from_tuple(tuple, RelationGetDescr(catalog)));
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return rows;
}

/* catalog_read: the row of relation (source, name), or NULL. */
CatalogRow *
catalog_read(Oid source, const char *name)
{
	List	   *rows = scan_catalog(source, name);

	return rows ? (CatalogRow *) linitial(rows) : NULL;
}

/* catalog_relation_names: the names (char *) of source's relations, in order. */
List *
catalog_relation_names(Oid source)
{
	List	   *names = NIL;
	ListCell   *lc;

	foreach(lc, scan_catalog(source, NULL))
		names = lappend(names,
						TextDatumGetCString(((CatalogRow *) lfirst(lc))->values[Anum_catalog_name - 1]));
	return names;
}

/* catalog_rows: every row (for the event triggers). */
List *
catalog_rows(void)
{
	return scan_catalog(InvalidOid, NULL);
}

/* int2_array turns the attribute numbers of cols into an int2[]. */
static Datum
int2_array(const ColumnSet *cols)
{
	Datum		elems[RELORM_MAX_KEY_COLUMNS];
	int			i;

	for (i = 0; i < cols->ncols; i++)
		elems[i] = Int16GetDatum(cols->attnums[i]);
	return PointerGetDatum(construct_array(elems, cols->ncols, INT2OID, 2, true,
										   TYPALIGN_SHORT));
}

/*
 * row_column_names: the names of a catalog row's columns, in the order of
 * source_columns, target_columns, junction_source_columns,
 * junction_target_columns.  Stored beside the attribute numbers for
 * pg_dump (see metadata.c, columnset_from_array).
 */
static Datum
row_column_names(const Datum *values, const bool *nulls)
{
	static const int arrays[4] = {Anum_catalog_source_columns, Anum_catalog_target_columns,
	Anum_catalog_junction_source, Anum_catalog_junction_target};
	static const int tables[4] = {Anum_catalog_source, Anum_catalog_target,
	Anum_catalog_junction, Anum_catalog_junction};
	Datum		names[4 * RELORM_MAX_KEY_COLUMNS];
	int			n = 0;
	int			a;

	for (a = 0; a < 4; a++)
	{
		Datum	   *attnums;
		int			count;
		int			i;

		if (nulls[arrays[a] - 1])
			continue;
		deconstruct_array(DatumGetArrayTypeP(values[arrays[a] - 1]), INT2OID, 2, true,
						  TYPALIGN_SHORT, &attnums, NULL, &count);
		for (i = 0; i < count && n < lengthof(names); i++)
			names[n++] = CStringGetTextDatum(get_attname(DatumGetObjectId(values[tables[a] - 1]),
														 DatumGetInt16(attnums[i]), false));
	}
	return PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* entry_values: the column values of the catalog row for a registration. */
static void
entry_values(const CatalogEntry *r, Datum *values, bool *nulls)
{
	memset(nulls, false, sizeof(bool) * Natts_catalog);
	values[Anum_catalog_source - 1] = ObjectIdGetDatum(r->source);
	values[Anum_catalog_name - 1] = CStringGetTextDatum(r->name ? r->name : "");
	values[Anum_catalog_kind - 1] = CStringGetTextDatum(relation_kind_name(r->kind));
	values[Anum_catalog_target - 1] = ObjectIdGetDatum(r->target);
	values[Anum_catalog_junction - 1] = ObjectIdGetDatum(r->junction);
	nulls[Anum_catalog_junction - 1] = !OidIsValid(r->junction);
	values[Anum_catalog_source_columns - 1] = int2_array(&r->source_cols);
	values[Anum_catalog_target_columns - 1] = int2_array(&r->target_cols);
	if (r->kind == RELORM_MANY_TO_MANY)
	{
		values[Anum_catalog_junction_source - 1] = int2_array(&r->junction_source_cols);
		values[Anum_catalog_junction_target - 1] = int2_array(&r->junction_target_cols);
	}
	else
		nulls[Anum_catalog_junction_source - 1] = nulls[Anum_catalog_junction_target - 1] = true;
	values[Anum_catalog_options - 1] = JsonbPGetDatum(r->options);
	values[Anum_catalog_column_names - 1] = row_column_names(values, nulls);
}

/* same_value: are two values of a catalog column equal (both NULL counts)? */
static bool
same_value(const CatalogRow *row, const Datum *values, const bool *nulls, int attno,
		   Oid eqfunc)
{
	if (row->nulls[attno - 1] || nulls[attno - 1])
		return row->nulls[attno - 1] == nulls[attno - 1];
	return DatumGetBool(OidFunctionCall2Coll(eqfunc, C_COLLATION_OID,
											 row->values[attno - 1], values[attno - 1]));
}

/*
 * catalog_row_matches: does a stored row define the relation r does (kind,
 * tables, columns; and options unless ignore_options)?  The name is not
 * compared.
 */
bool
catalog_row_matches(const CatalogRow *row, const CatalogEntry *r, bool ignore_options)
{
	Datum		values[Natts_catalog];
	bool		nulls[Natts_catalog];

	entry_values(r, values, nulls);
	return same_value(row, values, nulls, Anum_catalog_kind, F_TEXTEQ) &&
		same_value(row, values, nulls, Anum_catalog_target, F_OIDEQ) &&
		same_value(row, values, nulls, Anum_catalog_junction, F_OIDEQ) &&
		same_value(row, values, nulls, Anum_catalog_source_columns, F_ARRAY_EQ) &&
		same_value(row, values, nulls, Anum_catalog_target_columns, F_ARRAY_EQ) &&
		same_value(row, values, nulls, Anum_catalog_junction_source, F_ARRAY_EQ) &&
		same_value(row, values, nulls, Anum_catalog_junction_target, F_ARRAY_EQ) &&
		(ignore_options ||
		 same_value(row, values, nulls, Anum_catalog_options, F_JSONB_EQ));
}

/*
 * catalog_find_same: the name of a relation of r->source defined as r is
 * (options aside), or NULL.
 */
char *
catalog_find_same(const CatalogEntry *r)
{
	ListCell   *lc;

	foreach(lc, scan_catalog(r->source, NULL))
	{
		CatalogRow *row = lfirst(lc);

		if (catalog_row_matches(row, r, true))
			return TextDatumGetCString(row->values[Anum_catalog_name - 1]);
	}
	return NULL;
}

/* catalog_insert stores a resolved registration. */
void
catalog_insert(const CatalogEntry *r)
{
	Relation	catalog = table_open(relorm_catalog_relid(false), RowExclusiveLock);
	MemoryContext context = CurrentMemoryContext;
	char	   *source_name;
	Datum		values[Natts_catalog];
	bool		nulls[Natts_catalog];
	HeapTuple	tuple;

	entry_values(r, values, nulls);
	tuple = heap_form_tuple(RelationGetDescr(catalog), values, nulls);
	source_name = get_rel_name(r->source);

	/*
	 * The registration found no relation of this name, but a concurrent
	 * session may have registered one since: the catalog's unique index
	 * waits for it to commit and then fails.  Report that as the check
	 * would have.
	 */
	PG_TRY();
	{
		CatalogTupleInsert(catalog, tuple);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("relation \"%s\" of table \"%s\" already exists",
						r->name, source_name),
				 errdetail("Another session registered it concurrently."),
				 errhint("Drop it first with relorm_drop_relation.")));
	}
	PG_END_TRY();
	table_close(catalog, NoLock);
	catalog_changed();
}

/* catalog_delete removes a row read by catalog_read or catalog_rows. */
void
catalog_delete(const CatalogRow *row)
{
	Relation	catalog = table_open(relorm_catalog_relid(false), RowExclusiveLock);

	CatalogTupleDelete(catalog, (ItemPointer) &row->tid);
	table_close(catalog, NoLock);
}

/* update_row writes a row with new column names and/or options. */
static void
update_row(const CatalogRow *row, Datum names, Jsonb *options)
{
	Relation	catalog = table_open(relorm_catalog_relid(false), RowExclusiveLock);
	Datum		values[Natts_catalog];
	bool		nulls[Natts_catalog];
	bool		replace[Natts_catalog];
	HeapTuple	tuple;

	memcpy(values, row->values, sizeof(values));
	memcpy(nulls, row->nulls, sizeof(nulls));
	memset(replace, true, sizeof(replace));
	if (names != (Datum) 0)
		values[Anum_catalog_column_names - 1] = names;
	if (options != NULL)
		values[Anum_catalog_options - 1] = JsonbPGetDatum(options);
	tuple = heap_form_tuple(RelationGetDescr(catalog), values, nulls);
	tuple->t_self = row->tid;
	CatalogTupleUpdate(catalog, (ItemPointer) &row->tid, tuple);
	table_close(catalog, NoLock);
}

/* catalog_set_options replaces a row's options. */
void
catalog_set_options(const CatalogRow *row, Jsonb *options)
{
	update_row(row, (Datum) 0, options);
}

/*
 * catalog_refresh stores a row's column names as the system catalogs now
 * name them (after a RENAME COLUMN), and options when not NULL; a row that
 * would not change is not written.  Returns whether it was.
 */
bool
catalog_refresh(const CatalogRow *row, Jsonb *options)
{
	Datum		names = row_column_names(row->values, row->nulls);
	bool		renamed = !DatumGetBool(OidFunctionCall2Coll(F_ARRAY_EQ, C_COLLATION_OID,
															 row->values[Anum_catalog_column_names - 1],
															 names));

	if (!renamed && options == NULL)
		return false;
	update_row(row, renamed ? names : (Datum) 0, options);
	return true;
}

/*
 * catalog_changed makes a catalog change visible to this transaction and,
 * at commit, to every backend's metadata cache.
 */
void
catalog_changed(void)
{
	CacheInvalidateRelcacheByRelid(relorm_catalog_relid(false));
	relorm_metadata_invalidate_all();
	CommandCounterIncrement();
}

/* relation_kind_name is the kind's name as registered: "belongs_to", ... */
const char *
relation_kind_name(RelationKind kind)
{
	switch (kind)
	{
		case RELORM_BELONGS_TO:
			return "belongs_to";
		case RELORM_HAS_ONE:
			return "has_one";
		case RELORM_HAS_MANY:
			return "has_many";
		case RELORM_MANY_TO_MANY:
			return "many_to_many";
		case RELORM_HAS_MANY_THROUGH:
			return "has_many_through";
		case RELORM_HAS_ONE_THROUGH:
			return "has_one_through";
	}
	return "?";
}

/* relation_kind_from_name is the inverse of relation_kind_name. */
RelationKind
relation_kind_from_name(const char *name)
{
	if (strcmp(name, "belongs_to") == 0)
		return RELORM_BELONGS_TO;
	if (strcmp(name, "has_one") == 0)
		return RELORM_HAS_ONE;
	if (strcmp(name, "has_many") == 0)
		return RELORM_HAS_MANY;
	if (strcmp(name, "many_to_many") == 0)
		return RELORM_MANY_TO_MANY;
	if (strcmp(name, "has_many_through") == 0)
		return RELORM_HAS_MANY_THROUGH;
	if (strcmp(name, "has_one_through") == 0)
		return RELORM_HAS_ONE_THROUGH;
	elog(ERROR, "unknown relation kind \"%s\" in relorm_catalog", name);
	return RELORM_BELONGS_TO;	/* keep compiler quiet */
}
