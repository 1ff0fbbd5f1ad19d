/*-------------------------------------------------------------------------
 *
 * metadata.c
 *	  Relation metadata: a relorm_catalog row (catalog.c) resolved against
 *	  the system catalogs, and cached per backend.
 *
 * Everything derived from a row - names, types, keys, options - is cached
 * per backend in RelationInfo entries, one memory context each, under
 * MetadataContext.  Prepared statements are not kept here: exec.c keys
 * them by relation and remembers the RelationInfo version they were built
 * for.
 *
 * Invalidation follows ri_triggers.c: callbacks only mark entries invalid,
 * because a caller further up the stack (a trigger that calls relorm while
 * relorm is running a statement) may still hold one.  An invalid entry is
 * rebuilt by its next lookup; its memory is freed at the end of the
 * transaction (metadata_reap, run by relorm.c), when no relorm call can
 * be running.
 *
 * What invalidates:
 *	- a change to relorm_catalog in any session (register.c sends a relcache
 *	  invalidation of the catalog table with every change);
 *	- a relcache invalidation of any table a relation involves (ALTER TABLE,
 *	  renames, index changes, drops);
 *	- a schema rename (qualified names are cached in SQL text).
 *
 * A lookup takes AccessShareLock on the relation's tables before it trusts
 * an entry: taking a lock processes pending invalidations, and holding it
 * keeps DDL away from those tables until the transaction ends.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "metadata.h"
#include "options.h"



/* hash key of the metadata cache */
typedef struct RelationKey
{
	Oid			source;
	char		name[NAMEDATALEN];
} RelationKey;

typedef struct RelationEntry
{
	RelationKey key;
	RelationInfo *info;
} RelationEntry;

static MemoryContext MetadataContext = NULL;
static HTAB *MetadataHash = NULL;

/* entries replaced while a caller may still hold them; freed by reap */
static List *retired = NIL;
static bool reap_needed = false;

/* how many invalidations this backend has seen (relorm_metadata_invalidations) */
static uint64 invalidations = 0;

/* the version of the next RelationInfo built (RelationInfo.version) */
static uint64 next_version = 1;

static void relcache_callback(Datum arg, Oid relid);
static void namespace_callback(Datum arg, int cacheid, uint32 hashvalue);
static RelationInfo *build_relation_info(Oid source, const char *name);
static void fill_table_info(TableInfo *table, Oid relid);
static void fill_pivot_columns(RelationInfo *info);
static bool junction_pair_unique(RelationInfo *info);
static void columnset_from_array(ColumnSet *cols, Oid relid, Datum array,
								 Datum *names, int *next);
static void retire(RelationInfo *info);
static bool info_uses_table(const RelationInfo *info, Oid relid);
static void build_through(RelationInfo *info);
static void metadata_reap(void);

/*
 * relorm_metadata_init creates the cache and registers its invalidation
 * callbacks and its cleanup at transaction end.  Runs once per backend,
 * at the first lookup or when relorm_catalog's OID is first cached
 * (catalog.c), whichever comes first.
 */
void
relorm_metadata_init(void)
{
	HASHCTL		ctl;

	if (MetadataHash != NULL)
		return;

	MetadataContext = AllocSetContextCreate(TopMemoryContext,
											"relorm metadata",
											ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(RelationKey);
	ctl.entrysize = sizeof(RelationEntry);
	ctl.hcxt = MetadataContext;
	MetadataHash = hash_create("relorm relations", 64, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, namespace_callback, (Datum) 0);
	relorm_at_transaction_end(metadata_reap);
}

/*
 * relcache_callback marks invalid the entries that involve relid; all of
 * them when relid is InvalidOid (a cache reset) or relorm's catalog, whose
 * OID is then looked up (and its shape checked) again.
 */
static void
relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	RelationEntry *entry;

	if (relid == InvalidOid || relid == relorm_catalog_relid_cached())
	{
		relorm_metadata_invalidate_all();
		relorm_catalog_forget();
		return;
	}

	hash_seq_init(&status, MetadataHash);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		RelationInfo *info = entry->info;

		if (info_uses_table(info, relid))
		{
			info->valid = false;
			reap_needed = true;
			invalidations++;
		}
	}
}

/*
 * namespace_callback: a schema was renamed or dropped; qualified names in
 * cached statements may be stale.
 */
static void
namespace_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	relorm_metadata_invalidate_all();
	relorm_catalog_forget();
}

/*
 * relorm_metadata_invalidate_all marks every entry invalid.  The catalog's
 * OID is forgotten only by the callbacks, when relorm_catalog itself (or a
 * schema) changed: a registration changes its rows, not its OID, and must
 * not make a later ALTER TABLE of the catalog go unnoticed.
 */
void
relorm_metadata_invalidate_all(void)
{
	HASH_SEQ_STATUS status;
	RelationEntry *entry;

	if (MetadataHash == NULL)
		return;
	hash_seq_init(&status, MetadataHash);
	while ((entry = hash_seq_search(&status)) != NULL)
		entry->info->valid = false;
	reap_needed = true;
	invalidations++;
}

/*
 * metadata_reap frees invalid entries.  It runs at the end of every
 * transaction (relorm.c), when no relorm call can hold one.
 */
static void
metadata_reap(void)
{
	HASH_SEQ_STATUS status;
	RelationEntry *entry;
	ListCell   *lc;

	if (!reap_needed)
		return;
	reap_needed = false;

	hash_seq_init(&status, MetadataHash);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (!entry->info->valid)
		{
			retire(entry->info);
			hash_search(MetadataHash, &entry->key, HASH_REMOVE, NULL);
		}
	}

	foreach(lc, retired)
	{
		RelationInfo *info = (RelationInfo *) lfirst(lc);

		MemoryContextDelete(info->context);
	}
	list_free(retired);
	retired = NIL;
}

/* retire puts an entry on the list that the next reap frees. */
static void
retire(RelationInfo *info)
{
	MemoryContext old = MemoryContextSwitchTo(MetadataContext);

	info->valid = false;
	retired = lappend(retired, info);
	reap_needed = true;
	invalidations++;
	MemoryContextSwitchTo(old);
}

/*
 * relorm_lookup_relation returns the metadata of relation `name` of table
 * `source`, building it if it is not cached or was invalidated, and holds
 * AccessShareLock on its tables.  The result stays usable until the
 * outermost relorm call ends.
 */
RelationInfo *
relorm_lookup_relation(Oid source, const char *name)
{
	RelationKey key;
	RelationEntry *entry;
	RelationInfo *info;
	bool		found;

	relorm_metadata_init();
	memset(&key, 0, sizeof(key));
	key.source = source;
	strlcpy(key.name, name, NAMEDATALEN);

	/* the source table first: this also processes pending invalidations */
	LockRelationOid(source, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(source)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table with OID %u does not exist", source)));
	/* registration refuses longer names, and the hash key holds no more */
	if (strlen(name) >= NAMEDATALEN)
		relorm_relation_not_found(source, name);

	entry = hash_search(MetadataHash, &key, HASH_FIND, NULL);
	if (entry != NULL && entry->info->valid)
	{
		relorm_lock_relation_tables(entry->info, AccessShareLock);
		if (entry->info->valid)
			return entry->info;
	}

	info = build_relation_info(source, name);

	/* the build may have processed invalidations that removed the entry */
	entry = hash_search(MetadataHash, &key, HASH_ENTER, &found);
	if (found && entry->info != info)
		retire(entry->info);
	entry->info = info;
	return info;
}

/*
 * relorm_lock_relation_tables locks the target and junction of a relation
 * (the source is locked by the lookup).
 */
void
relorm_lock_relation_tables(RelationInfo *rel, LOCKMODE mode)
{
	LockRelationOid(rel->target.relid, mode);
	if (OidIsValid(rel->junction.relid))
		LockRelationOid(rel->junction.relid, mode);
	if (rel->through != NULL)
	{
		relorm_lock_relation_tables(rel->through, mode);
		relorm_lock_relation_tables(rel->via, mode);
	}
}

/*
 * relation_not_found raises the error for an unknown relation name, with a
 * hint listing the table's relations.
 */
void
relorm_relation_not_found(Oid source, const char *name)
{
	char	   *names = relorm_relation_names(source);

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("relation \"%s\" of table \"%s\" does not exist",
					name, get_rel_name(source)),
			 names[0] != '\0'
			 ? errhint("Table \"%s\" has these relations: %s.",
					   get_rel_name(source), names)
			 : errhint("Table \"%s\" has no relations; register one with relorm_belongs_to, relorm_has_one, relorm_has_many or relorm_many_to_many.",
					   get_rel_name(source))));
}

/*
 * build_relation_info reads the catalog row of (source, name) and resolves
 * it into a new RelationInfo in its own memory context.
 */
static RelationInfo *
build_relation_info(Oid source, const char *name)
{
	CatalogRow *row;
	Datum	   *values;
	bool	   *nulls;
	MemoryContext context;
	MemoryContext old;
	RelationInfo *info;
	Datum	   *names;
	int			nnames;
	int			next = 0;
	OptionsTarget target;

	row = catalog_read(source, name);
	if (row == NULL)
		relorm_relation_not_found(source, name);
	values = row->values;
	nulls = row->nulls;

	context = AllocSetContextCreate(MetadataContext, "relorm relation",
									ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(context);
	info = palloc0(sizeof(RelationInfo));
	info->context = context;
	info->source_relid = source;
	strlcpy(info->name, name, sizeof(info->name));
	info->version = next_version++;
	info->kind = relation_kind_from_name(TextDatumGetCString(values[Anum_catalog_kind - 1]));

	/* lock every table before reading its definition */
	info->target.relid = DatumGetObjectId(values[Anum_catalog_target - 1]);
	if (!nulls[Anum_catalog_junction - 1])
		info->junction.relid = DatumGetObjectId(values[Anum_catalog_junction - 1]);
	relorm_lock_relation_tables(info, AccessShareLock);

	deconstruct_array(DatumGetArrayTypeP(values[Anum_catalog_column_names - 1]),
					  TEXTOID, -1, false, TYPALIGN_INT, &names, NULL, &nnames);
	fill_table_info(&info->source, source);
	fill_table_info(&info->target, info->target.relid);
	columnset_from_array(&info->source_cols, source,
						 values[Anum_catalog_source_columns - 1], names, &next);
	columnset_from_array(&info->target_cols, info->target.relid,
						 values[Anum_catalog_target_columns - 1], names, &next);
	if (info->kind == RELORM_MANY_TO_MANY)
	{
		fill_table_info(&info->junction, info->junction.relid);
		columnset_from_array(&info->junction_source_cols, info->junction.relid,
							 values[Anum_catalog_junction_source - 1], names, &next);
		columnset_from_array(&info->junction_target_cols, info->junction.relid,
							 values[Anum_catalog_junction_target - 1], names, &next);
	}
	if (next != nnames)
		elog(ERROR, "relorm catalog row of relation \"%s\" has %d column names for %d columns",
			 name, nnames, next);
	target.kind = info->kind;
	target.junction = info->junction.relid;
	target.junction_source_cols = &info->junction_source_cols;
	target.junction_target_cols = &info->junction_target_cols;
	options_parse(DatumGetJsonbP(values[Anum_catalog_options - 1]), &target, false,
				  &info->options);
	if (info->kind == RELORM_MANY_TO_MANY)
	{
		fill_pivot_columns(info);
		info->pair_unique = junction_pair_unique(info);
	}
	if (relation_kind_is_through(info->kind))
	{
		build_through(info);
		info->valid = true;
		MemoryContextSwitchTo(old);
		return info;
	}

	/*
	 * Keys as the relation names them (SPEC §1): the owner of a has_one,
	 * has_many or many_to_many relation by the source columns the foreign
	 * key (or junction) references, the target of a belongs_to or
	 * many_to_many relation by the target columns it references, when they
	 * are unique (they are, for a foreign key); otherwise (a has_many
	 * child, a belongs_to owner) by the primary key.
	 */
	if (info->kind != RELORM_BELONGS_TO &&
		table_unique_index(info->source.relid, &info->source_cols, true, false))
		info->owner_key = &info->source_cols;
	else if (info->source.key.ncols > 0)
		info->owner_key = &info->source.key;
	else if (info->kind != RELORM_BELONGS_TO)
		info->owner_key = &info->source_cols;
	if ((info->kind == RELORM_BELONGS_TO || info->kind == RELORM_MANY_TO_MANY) &&
		table_unique_index(info->target.relid, &info->target_cols, true, false))
		info->target_key = &info->target_cols;
	else if (info->target.key.ncols > 0)
		info->target_key = &info->target.key;
	else if (info->kind == RELORM_BELONGS_TO ||
			 info->kind == RELORM_MANY_TO_MANY)
		info->target_key = &info->target_cols;

	info->valid = true;
	MemoryContextSwitchTo(old);
	return info;
}

/*
 * build_through builds the two relations a through relation follows (the
 * catalog's junction column holds the table between them, for the
 * sql_drop trigger; the RelationInfo has no junction), as children of its
 * memory context.  Its owner is named as the first relation names it, its
 * rows by the far table's primary key.
 */
static void
build_through(RelationInfo *info)
{
	RelationInfo *first;
	RelationInfo *second;

	info->junction.relid = InvalidOid;
	if (info->options.through == NULL || info->options.via == NULL)
		elog(ERROR, "relorm catalog row of through relation \"%s\" lacks \"through\" or \"via\"",
			 info->name);
	first = build_relation_info(info->source.relid, info->options.through);
	second = build_relation_info(first->target.relid, info->options.via);
	MemoryContextSetParent(first->context, info->context);
	MemoryContextSetParent(second->context, info->context);
	info->through = first;
	info->via = second;
	info->owner_key = first->owner_key;
	info->target_key = info->target.key.ncols > 0 ? &info->target.key : second->target_key;
}

/*
 * table_unique_index: does a unique index of relid (not partial, no
 * expressions) have all its key columns among cols - exactly cols, if
 * exact?  With arbiter, only a valid, immediate index counts: one that
 * ON CONFLICT uses.
 */
bool
table_unique_index(Oid relid, const ColumnSet *cols, bool exact, bool arbiter)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;
		bool		within;
		int			i;
		int			c;

		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for index %u", lfirst_oid(lc));
		index = (Form_pg_index) GETSTRUCT(tuple);
		within = index->indisunique && index->indnkeyatts > 0 &&
			(!exact || index->indnkeyatts == cols->ncols) &&
			(!arbiter || (index->indimmediate && index->indisvalid)) &&
			heap_attisnull(tuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tuple, Anum_pg_index_indexprs, NULL);
		for (i = 0; within && i < index->indnkeyatts; i++)
		{
			within = false;
			for (c = 0; c < cols->ncols; c++)
				within |= index->indkey.values[i] == cols->attnums[c];
		}
		ReleaseSysCache(tuple);
		if (within)
		{
			found = true;
			break;
		}
	}
	list_free(indexes);
	relation_close(rel, AccessShareLock);
	return found;
}

/*
 * junction_pair_unique: does a unique index of the junction, over source
 * and target columns only, make a second row of one (owner, target) pair
 * impossible (as the primary key (post_id, tag_id) of the usual junction
 * does)?  Creating or dropping an index invalidates the junction's relcache
 * entry, and with it this metadata.
 */
static bool
junction_pair_unique(RelationInfo *info)
{
	ColumnSet	pair;
	int			c;

	pair.ncols = 0;
	for (c = 0; c < info->junction_source_cols.ncols; c++)
		pair.attnums[pair.ncols++] = info->junction_source_cols.attnums[c];
	for (c = 0; c < info->junction_target_cols.ncols && pair.ncols < RELORM_MAX_KEY_COLUMNS; c++)
		pair.attnums[pair.ncols++] = info->junction_target_cols.attnums[c];
	return table_unique_index(info->junction.relid, &pair, false, true);
}

/*
 * fill_pivot_columns: the junction columns a call may give values for -
 * the `pivot` option's list, else every column that is not a key column
 * (of the pair, or of the junction's own primary key).
 */
static void
fill_pivot_columns(RelationInfo *info)
{
	ColumnSet  *pv = &info->pivot_cols;
	Oid			junction = info->junction.relid;

	pv->ncols = 0;
	if (info->options.pivot != NIL)
	{
		ListCell   *lc;

		foreach(lc, info->options.pivot)
		{
			AttrNumber	attnum = get_attnum(junction, (char *) lfirst(lc));

			if (attnum > 0 && pv->ncols < RELORM_MAX_PIVOT_COLUMNS)
				pv->attnums[pv->ncols++] = attnum;
		}
	}
	else
	{
		Relation	rel = relation_open(junction, AccessShareLock);
		TupleDesc	desc = RelationGetDescr(rel);
		int			a;
		int			c;

		for (a = 0; a < desc->natts && pv->ncols < RELORM_MAX_PIVOT_COLUMNS; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);
			bool		is_key = false;

			if (att->attisdropped)
				continue;
			for (c = 0; c < info->junction_source_cols.ncols; c++)
				is_key |= info->junction_source_cols.attnums[c] == att->attnum;
			for (c = 0; c < info->junction_target_cols.ncols; c++)
				is_key |= info->junction_target_cols.attnums[c] == att->attnum;
			/* a surrogate primary key of the junction is no pivot field */
			for (c = 0; c < info->junction.key.ncols; c++)
				is_key |= info->junction.key.attnums[c] == att->attnum;
			if (!is_key)
				pv->attnums[pv->ncols++] = att->attnum;
		}
		relation_close(rel, AccessShareLock);
	}
	columnset_fill(pv, junction);
}

/*
 * fill_table_info resolves a table's names, row type and primary key.
 */
static void
fill_table_info(TableInfo *table, Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table with OID %u of a relorm relation does not exist", relid)));
	table->relid = relid;
	table->name = relname;
	table->qualified = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												  relname);
	table->rowtype = get_rel_type_id(relid);
	if (!table_primary_key(relid, &table->key))
		table->key.ncols = 0;
}

/*
 * table_primary_key fills cols with relid's primary key; false if none.
 */
bool
table_primary_key(Oid relid, ColumnSet *cols)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	Oid			pkindex;
	HeapTuple	tuple;
	Form_pg_index index;
	int			i;

	(void) RelationGetIndexList(rel);	/* sets rd_pkindex */
	pkindex = rel->rd_pkindex;
	relation_close(rel, AccessShareLock);
	if (!OidIsValid(pkindex))
		return false;

	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkindex));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for index %u", pkindex);
	index = (Form_pg_index) GETSTRUCT(tuple);
	cols->ncols = index->indnkeyatts;
	for (i = 0; i < cols->ncols; i++)
		cols->attnums[i] = index->indkey.values[i];
	ReleaseSysCache(tuple);
	columnset_fill(cols, relid);
	return true;
}

/* columnset_equal: the two sets list the same attributes in the same order. */
bool
columnset_equal(const ColumnSet *a, const ColumnSet *b)
{
	int			i;

	if (a->ncols != b->ncols)
		return false;
	for (i = 0; i < a->ncols; i++)
		if (a->attnums[i] != b->attnums[i])
			return false;
	return true;
}

/*
 * columnset_fill looks up names, types and nullability of cols->attnums.
 */
void
columnset_fill(ColumnSet *cols, Oid relid)
{
	int			i;

	for (i = 0; i < cols->ncols; i++)
	{
		HeapTuple	tuple;
		Form_pg_attribute att;

		tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
								Int16GetDatum(cols->attnums[i]));
		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for attribute %d of relation %u",
				 cols->attnums[i], relid);
		att = (Form_pg_attribute) GETSTRUCT(tuple);
		if (att->attisdropped)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("a column of table \"%s\" used by a relorm relation was dropped",
							get_rel_name(relid)),
					 errhint("Drop the relation with relorm_drop_relation and register it again.")));
		cols->names[i] = pstrdup(NameStr(att->attname));
		cols->types[i] = att->atttypid;
		cols->typmods[i] = att->atttypmod;
		cols->collations[i] = att->attcollation;
		cols->notnull[i] = att->attnotnull;
		ReleaseSysCache(tuple);
	}
}

/*
 * columnset_from_array fills cols from an int2[] of attribute numbers and
 * the names stored with them (names[*next...]).
 *
 * The names are kept in step with the attribute numbers by the
 * ddl_command_end trigger on RENAME COLUMN, so they differ only after
 * pg_restore has created a table whose columns are numbered differently
 * (columns dropped before the dump leave gaps that a restore closes).
 * Then the name is right and finds the column.
 */
static void
columnset_from_array(ColumnSet *cols, Oid relid, Datum array, Datum *names, int *next)
{
	ArrayType  *arr = DatumGetArrayTypeP(array);
	Datum	   *elems;
	int			n;
	int			i;

	deconstruct_array(arr, INT2OID, 2, true, TYPALIGN_SHORT, &elems, NULL, &n);
	if (n < 1 || n > RELORM_MAX_KEY_COLUMNS)
		elog(ERROR, "relorm catalog holds %d key columns", n);
	cols->ncols = n;
	for (i = 0; i < n; i++)
	{
		char	   *stored = TextDatumGetCString(names[(*next)++]);
		char	   *current = get_attname(relid, DatumGetInt16(elems[i]), true);

		cols->attnums[i] = DatumGetInt16(elems[i]);
		if (current == NULL || strcmp(current, stored) != 0)
		{
			cols->attnums[i] = get_attnum(relid, stored);
			if (cols->attnums[i] <= 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("relorm relation metadata does not match column \"%s\" of table \"%s\"",
								stored, get_rel_name(relid)),
						 errhint("Drop the relation with relorm_drop_relation and register it again.")));
		}
	}
	columnset_fill(cols, relid);
}

/*
 * relorm_relation_names lists the relations registered on source, for
 * hints: "author, books".  Empty when there are none.
 */
char *
relorm_relation_names(Oid source)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, catalog_relation_names(source))
		appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", (char *) lfirst(lc));
	return buf.data;
}

/*
 * relorm_find_relation is relorm_lookup_relation for a name that may not
 * be a relation: NULL if (source, name) is not registered.
 */
RelationInfo *
relorm_find_relation(Oid source, const char *name)
{
	RelationKey key;
	RelationEntry *entry;

	if (strlen(name) >= NAMEDATALEN)
		return NULL;
	relorm_metadata_init();

	/* a valid cached entry answers without reading the catalog */
	memset(&key, 0, sizeof(key));
	key.source = source;
	strlcpy(key.name, name, NAMEDATALEN);
	entry = hash_search(MetadataHash, &key, HASH_FIND, NULL);
	if (entry != NULL && entry->info->valid)
		return relorm_lookup_relation(source, name);

	return catalog_read(source, name) != NULL ? relorm_lookup_relation(source, name) : NULL;
}

/*
 * relorm_relations_of lists the names (char *) of the relations registered
 * on source.
 */
List *
relorm_relations_of(Oid source)
{
	return catalog_relation_names(source);
}

/*
 * relorm_metadata_invalidations: a number that changes whenever cached
 * metadata is invalidated, so that exec.c looks for stale plans only then.
 */
uint64
relorm_metadata_invalidations(void)
{
	return invalidations;
}

/*
 * relorm_metadata_is_current: the cached metadata of (source, name) is
 * valid and has this version (exec.c checks its plans with it; reads no
 * catalog).
 */
bool
relorm_metadata_is_current(Oid source, const char *name, uint64 version)
{
	RelationKey key;
	RelationEntry *entry;

	if (MetadataHash == NULL || strlen(name) >= NAMEDATALEN)
		return false;
	memset(&key, 0, sizeof(key));
	key.source = source;
	strlcpy(key.name, name, NAMEDATALEN);
	entry = hash_search(MetadataHash, &key, HASH_FIND, NULL);
	return entry != NULL && entry->info->valid && entry->info->version == version;
}

/*
 * relation_kind_is_to_many: has_many, many_to_many and has_many_through
 * relate several rows.
 */
bool
relation_kind_is_to_many(RelationKind kind)
{
	return kind == RELORM_HAS_MANY || kind == RELORM_MANY_TO_MANY ||
		kind == RELORM_HAS_MANY_THROUGH;
}

/* relation_kind_is_through: has_many_through and has_one_through. */
bool
relation_kind_is_through(RelationKind kind)
{
	return kind == RELORM_HAS_MANY_THROUGH || kind == RELORM_HAS_ONE_THROUGH;
}

/* info_uses_table: does relation info involve table relid? */
static bool
info_uses_table(const RelationInfo *info, Oid relid)
{
	if (info->source.relid == relid || info->target.relid == relid ||
		info->junction.relid == relid)
		return true;
	return info->through != NULL &&
		(info_uses_table(info->through, relid) || info_uses_table(info->via, relid));
}
