/*-------------------------------------------------------------------------
 *
 * register.c
 *	  Registering and dropping relations (SPEC §2): relorm_belongs_to,
 *	  relorm_has_one, relorm_has_many, relorm_many_to_many,
 *	  relorm_drop_relation, and the sql_drop event trigger that forgets the
 *	  relations of dropped tables and columns.
 *
 * Omitted columns are inferred from foreign-key constraints and naming:
 *	1. the single foreign key between the two tables (not counting one
 *	   already used by the other side of a junction);
 *	2. else the one among several whose only column is named <name>_id
 *	   (belongs_to), <source table>_id (has_one, has_many, a junction's
 *	   source side) or <target table>_id (a junction's target side);
 *	3. else, with no foreign key at all, a column so named;
 *	`references` defaults to the foreign key's referenced columns, else the
 *	referenced table's primary key.  A junction is the one table with
 *	foreign keys to both sides, else the table <source>_<name>.
 *
 * Only the owner of the source table (and of the target, for an inverse
 * relation) may register or drop.  The catalog is written directly, like a
 * system catalog, after that check: callers need no privilege on it, and
 * cannot write it by other means.  Every change sends a relcache
 * invalidation of the catalog table, which every backend's metadata cache
 * listens to (catalog.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "relorm.h"

PG_FUNCTION_INFO_V1(relorm_belongs_to);
PG_FUNCTION_INFO_V1(relorm_has_one);
PG_FUNCTION_INFO_V1(relorm_has_many);
PG_FUNCTION_INFO_V1(relorm_many_to_many);
PG_FUNCTION_INFO_V1(relorm_drop_relation);
PG_FUNCTION_INFO_V1(relorm_sql_drop_trigger);
PG_FUNCTION_INFO_V1(relorm_rename_trigger);


/* A foreign-key constraint found between two tables. */
typedef struct ForeignKey
{
	char	   *name;
	ColumnSet	referencing;
	ColumnSet	referenced;
} ForeignKey;

/* What a registration resolved, ready to store. */
typedef struct Registration
{
	Oid			source;
	char	   *name;
	RelationKind kind;
	Oid			target;
	Oid			junction;
	ColumnSet	source_cols;
	ColumnSet	target_cols;
	ColumnSet	junction_source_cols;
	ColumnSet	junction_target_cols;
	Jsonb	   *options;
} Registration;

/*
 * check_owner: only the owner of a table may register relations on it.
 */
static void
check_owner(Oid relid)
{
	char		relkind = get_rel_relkind(relid);

	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table with OID %u does not exist", relid)));
	if (!pg_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(relkind),
					   get_rel_name(relid));
}

/* check_table: relations join tables (plain, partitioned or foreign). */
static void
check_table(Oid relid)
{
	char		relkind = get_rel_relkind(relid);

	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table with OID %u does not exist", relid)));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", get_rel_name(relid)),
				 errhint("relorm relates tables, partitioned tables and foreign tables.")));
}

/*
 * catalog_find returns a copy of the catalog row of (source, name), or
 * NULL.  The catalog must be open.
 */
static HeapTuple
catalog_find(Relation catalog, Oid source, const char *name)
{
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(source));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(name));
	scan = systable_beginscan(catalog, relorm_catalog_index_relid(), true,
							  NULL, 2, keys);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		tuple = heap_copytuple(tuple);
	systable_endscan(scan);
	return tuple;
}

/*
 * check_name: a relation's name is an identifier-like word that is not a
 * column of the source and not taken by another relation of it.
 */
static void
check_name(Oid source, const char *name)
{
	Relation	catalog;
	HeapTuple	existing;

	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("relation name must not be empty")));
	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("relation name \"%s\" is too long", name),
				 errdetail("Relation names are limited to %d bytes, like identifiers.",
						   NAMEDATALEN - 1)));
	if (strchr(name, '.') != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("relation name \"%s\" must not contain \".\"", name),
				 errhint("Dots separate the steps of a path such as \"books.reviews\".")));
	if (get_attnum(source, name) != InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_COLUMN),
				 errmsg("relation name \"%s\" is a column of table \"%s\"",
						name, get_rel_name(source)),
				 errhint("A relation and a column of the same table need different names.")));

	catalog = table_open(relorm_catalog_relid(false), AccessShareLock);
	existing = catalog_find(catalog, source, name);
	table_close(catalog, AccessShareLock);
	if (existing != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("relation \"%s\" of table \"%s\" already exists",
						name, get_rel_name(source)),
				 errhint("Drop it first with relorm_drop_relation.")));
}

/*
 * columns_by_name resolves a text[] of column names of relid (42703 for an
 * unknown one).
 */
static void
columns_by_name(ColumnSet *cols, Oid relid, ArrayType *names, const char *argname)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 1 || n > RELORM_MAX_KEY_COLUMNS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must name between 1 and %d columns", argname,
						RELORM_MAX_KEY_COLUMNS)));
	cols->ncols = n;
	for (i = 0; i < n; i++)
	{
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain nulls", argname)));
		name = TextDatumGetCString(elems[i]);
		cols->attnums[i] = get_attnum(relid, name);
		if (cols->attnums[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							name, get_rel_name(relid)),
					 errhint("%s names columns of table \"%s\".", argname,
							 get_rel_name(relid))));
	}
	columnset_fill(cols, relid);
}

/*
 * foreign_keys lists the foreign-key constraints of `referencing` that
 * reference `referenced` (inherited clones on partitions excluded).
 */
static List *
foreign_keys(Oid referencing, Oid referenced)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *result = NIL;

	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(referencing));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);
		ForeignKey *fk;

		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != referenced ||
			OidIsValid(con->conparentid))
			continue;
		fk = palloc0(sizeof(ForeignKey));
		fk->name = pstrdup(NameStr(con->conname));
		DeconstructFkConstraintRow(tuple, &fk->referencing.ncols,
								   fk->referencing.attnums,
								   fk->referenced.attnums, NULL, NULL, NULL,
								   NULL, NULL);
		fk->referenced.ncols = fk->referencing.ncols;
		columnset_fill(&fk->referencing, referencing);
		columnset_fill(&fk->referenced, referenced);
		result = lappend(result, fk);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * check_unique: the referenced columns of a relation must be covered by a
 * unique index on exactly those columns, as for a foreign key.
 */
static void
check_unique(Oid relid, const ColumnSet *cols)
{
	if (!table_unique_index(relid, cols, true, false))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("there is no unique constraint matching given keys for referenced table \"%s\"",
						get_rel_name(relid)),
				 errhint("A relation references a primary key or unique columns; pass \"references\" or add a unique constraint.")));
}

/*
 * resolve_foreign_key finds the columns of a foreign key from `fk_table`
 * to `ref_table` (see the rules at the top of this file).  given_fk and
 * given_ref are the caller's column names or NULL; naming is the column
 * name to look for; exclude is a foreign key already taken (or NULL).
 * argname names the argument to give in hints.
 */
static void
resolve_foreign_key(Oid fk_table, Oid ref_table, ArrayType *given_fk,
					ArrayType *given_ref, const char *naming,
					const ColumnSet *exclude, const char *argname,
					ColumnSet *fkcols, ColumnSet *refcols)
{
	List	   *fks = foreign_keys(fk_table, ref_table);
	List	   *candidates = NIL;
	ForeignKey *chosen = NULL;
	ListCell   *lc;

	memset(fkcols, 0, sizeof(ColumnSet));
	memset(refcols, 0, sizeof(ColumnSet));
	if (given_ref)
		columns_by_name(refcols, ref_table, given_ref, "references");

	if (given_fk)
	{
		columns_by_name(fkcols, fk_table, given_fk, argname);
		foreach(lc, fks)
		{
			ForeignKey *fk = lfirst(lc);

			if (columnset_equal(&fk->referencing, fkcols) &&
				(!given_ref || columnset_equal(&fk->referenced, refcols)))
				chosen = fk;
		}
	}
	else
	{
		foreach(lc, fks)
		{
			ForeignKey *fk = lfirst(lc);

			if (exclude && columnset_equal(&fk->referencing, exclude))
				continue;
			if (given_ref && !columnset_equal(&fk->referenced, refcols))
				continue;
			candidates = lappend(candidates, fk);
		}
		if (list_length(candidates) == 1)
			chosen = linitial(candidates);
		else
		{
			AttrNumber	named = get_attnum(fk_table, naming);

			foreach(lc, candidates)
			{
				ForeignKey *fk = lfirst(lc);

				if (fk->referencing.ncols == 1 && fk->referencing.attnums[0] == named)
					chosen = fk;
			}
			if (chosen == NULL && list_length(candidates) > 1)
			{
				StringInfoData names;

				initStringInfo(&names);
				foreach(lc, candidates)
					appendStringInfo(&names, "%s%s", names.len ? ", " : "",
									 ((ForeignKey *) lfirst(lc))->name);
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_COLUMN),
						 errmsg("table \"%s\" has %d foreign keys to table \"%s\": %s",
								get_rel_name(fk_table), list_length(candidates),
								get_rel_name(ref_table), names.data),
						 errhint("Pass %s => ARRAY['column', ...] to choose one.", argname)));
			}
			if (chosen == NULL)
			{
				if (named <= 0 || (exclude && exclude->ncols == 1 &&
								   exclude->attnums[0] == named))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_FOREIGN_KEY),
							 errmsg("could not infer a foreign key from table \"%s\" to table \"%s\"",
									get_rel_name(fk_table), get_rel_name(ref_table)),
							 errdetail("There is no foreign key constraint between them and no column \"%s\".",
									   naming),
							 errhint("Pass %s => ARRAY['column', ...].", argname)));
				fkcols->ncols = 1;
				fkcols->attnums[0] = named;
				columnset_fill(fkcols, fk_table);
			}
		}
		if (chosen)
			*fkcols = chosen->referencing;
	}

	if (refcols->ncols == 0)
	{
		if (chosen)
			*refcols = chosen->referenced;
		else if (!table_primary_key(ref_table, refcols))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("table \"%s\" has no primary key to reference",
							get_rel_name(ref_table)),
					 errhint("Pass \"references\" => ARRAY['column', ...].")));
	}

	if (fkcols->ncols != refcols->ncols)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("number of referencing and referenced columns must match"),
				 errdetail("%s names %d columns of table \"%s\"; table \"%s\" is referenced by %d.",
						   argname, fkcols->ncols, get_rel_name(fk_table),
						   get_rel_name(ref_table), refcols->ncols)));
	if (!chosen)
		check_unique(ref_table, refcols);
	relorm_check_comparable(fkcols, refcols);
}

/*
 * check_options validates a relation's options (SPEC §2) against its kind
 * and tables.  `create` and `accessor` are not supported yet.
 */
static void
check_options(Jsonb *options, Registration *r)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options must be a jsonb object")));

	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;
		JsonbValue *value;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		value = getKeyJsonValueFromContainer(&options->root, key, strlen(key), NULL);

		if (strcmp(key, "inverse") == 0)
		{
			if (value->type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"inverse\" must be a relation name")));
		}
		else if (strcmp(key, "eager") == 0)
		{
			if (value->type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"eager\" must be true or false")));
		}
		else if (strcmp(key, "cascade") == 0)
		{
			if (value->type == jbvBinary && JsonContainerIsArray(value->val.binary.data))
			{
				JsonbIterator *ai = JsonbIteratorInit(value->val.binary.data);
				JsonbValue	e;

				while ((tok = JsonbIteratorNext(&ai, &e, true)) != WJB_DONE)
				{
					if (tok != WJB_ELEM)
						continue;
					if (e.type != jbvString ||
						!(strncmp(e.val.string.val, "insert", e.val.string.len) == 0 ||
						  strncmp(e.val.string.val, "update", e.val.string.len) == 0 ||
						  strncmp(e.val.string.val, "remove", e.val.string.len) == 0) ||
						e.val.string.len != 6)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("option \"cascade\" lists an unknown operation"),
								 errhint("Use true, false, or a list of \"insert\", \"update\" and \"remove\".")));
				}
			}
			else if (value->type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"cascade\" must be true, false, or a list of operations"),
						 errhint("Use true, false, or a list of \"insert\", \"update\" and \"remove\".")));
		}
		else if (strcmp(key, "order") == 0)
		{
			StringInfoData scratch;

			if (!relation_kind_is_to_many(r->kind))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"order\" applies to has_many and many_to_many relations")));
			initStringInfo(&scratch);
			append_order_clause(&scratch, "t", r->target, JsonbValueToJsonb(value));
		}
		else if (strcmp(key, "pivot") == 0)
		{
			JsonbIterator *ai;
			JsonbValue	e;

			if (r->kind != RELORM_MANY_TO_MANY)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"pivot\" applies to many_to_many relations")));
			if (value->type != jbvBinary || !JsonContainerIsArray(value->val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"pivot\" must be a list of junction column names")));
			ai = JsonbIteratorInit(value->val.binary.data);
			while ((tok = JsonbIteratorNext(&ai, &e, true)) != WJB_DONE)
			{
				char	   *column;
				AttrNumber	attnum;
				int			i;

				if (tok != WJB_ELEM)
					continue;
				if (e.type != jbvString)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"pivot\" must be a list of junction column names")));
				column = pnstrdup(e.val.string.val, e.val.string.len);
				attnum = get_attnum(r->junction, column);
				if (attnum <= 0)
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_COLUMN),
							 errmsg("column \"%s\" of table \"%s\" does not exist",
									column, get_rel_name(r->junction)),
							 errhint("Pivot fields are columns of the junction table.")));
				for (i = 0; i < r->junction_source_cols.ncols; i++)
					if (r->junction_source_cols.attnums[i] == attnum)
						attnum = 0;
				for (i = 0; i < r->junction_target_cols.ncols; i++)
					if (r->junction_target_cols.attnums[i] == attnum)
						attnum = 0;
				if (attnum == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("junction key column \"%s\" cannot be a pivot field", column)));
			}
		}
		else if (strcmp(key, "create") == 0 || strcmp(key, "accessor") == 0 ||
				 strcmp(key, "on_delete") == 0 || strcmp(key, "nullable") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("relation option \"%s\" is not supported yet", key)));
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized relation option \"%s\"", key),
					 errhint("Valid options are inverse, eager, cascade, order and pivot.")));
	}
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
 * catalog_changed makes a catalog change visible to this transaction and,
 * at commit, to every backend's metadata cache.
 */
static void
catalog_changed(void)
{
	CacheInvalidateRelcacheByRelid(relorm_catalog_relid(false));
	relorm_metadata_invalidate_all();
	CommandCounterIncrement();
}

/*
 * row_column_names: the names of a catalog row's columns, in the order of
 * source_columns, target_columns, junction_source_columns,
 * junction_target_columns.  Stored beside the attribute numbers for
 * pg_dump (see catalog.c, columnset_from_array).
 */
static Datum
row_column_names(Datum *values, bool *nulls)
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

/* catalog_insert stores a resolved registration. */
static void
catalog_insert(Registration *r)
{
	Relation	catalog = table_open(relorm_catalog_relid(false), RowExclusiveLock);
	MemoryContext context = CurrentMemoryContext;
	char	   *source_name;
	Datum		values[Natts_catalog];
	bool		nulls[Natts_catalog];
	HeapTuple	tuple;

	memset(nulls, false, sizeof(nulls));
	values[Anum_catalog_source - 1] = ObjectIdGetDatum(r->source);
	values[Anum_catalog_name - 1] = CStringGetTextDatum(r->name);
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

	tuple = heap_form_tuple(RelationGetDescr(catalog), values, nulls);
	source_name = get_rel_name(r->source);

	/*
	 * check_new_name found no relation of this name, but a concurrent
	 * session may have registered one since: the catalog's unique index
	 * waits for it to commit and then fails.  Report that as check_new_name
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

/* inverse_options returns {"inverse": name}. */
static Jsonb *
inverse_options(const char *name)
{
	JsonbParseState *state = NULL;
	JsonbValue	key;
	JsonbValue	value;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	key.type = jbvString;
	key.val.string.val = "inverse";
	key.val.string.len = 7;
	pushJsonbValue(&state, WJB_KEY, &key);
	value.type = jbvString;
	value.val.string.val = (char *) name;
	value.val.string.len = strlen(name);
	pushJsonbValue(&state, WJB_VALUE, &value);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * register_inverse registers the relation seen from the target, named
 * options.inverse, when given.
 */
static void
register_inverse(Registration *r)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&r->options->root, "inverse", 7, NULL);
	Registration inv;

	if (v == NULL)
		return;
	memset(&inv, 0, sizeof(inv));
	inv.name = pnstrdup(v->val.string.val, v->val.string.len);
	inv.source = r->target;
	inv.target = r->source;
	inv.junction = r->junction;
	inv.source_cols = r->target_cols;
	inv.target_cols = r->source_cols;
	inv.junction_source_cols = r->junction_target_cols;
	inv.junction_target_cols = r->junction_source_cols;
	inv.options = inverse_options(r->name);

	switch (r->kind)
	{
		case RELORM_BELONGS_TO:
			/* a foreign key that is unique makes the inverse has_one */
			inv.kind = table_unique_index(r->source, &r->source_cols, true, false)
				? RELORM_HAS_ONE : RELORM_HAS_MANY;
			break;
		case RELORM_HAS_ONE:
		case RELORM_HAS_MANY:
			inv.kind = RELORM_BELONGS_TO;
			break;
		case RELORM_MANY_TO_MANY:
			inv.kind = RELORM_MANY_TO_MANY;
			break;
	}
	check_owner(inv.source);
	check_name(inv.source, inv.name);
	catalog_insert(&inv);
}

/* arg_array: a text[] argument, or NULL. */
static ArrayType *
arg_array(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : PG_GETARG_ARRAYTYPE_P(argno);
}

/* arg_options: the options argument, {} when NULL. */
static Jsonb *
arg_options(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	return PG_GETARG_JSONB_P(argno);
}

/* start_registration reads and checks (source, name, target). */
static void
start_registration(FunctionCallInfo fcinfo, Registration *r, RelationKind kind)
{
	int			i;

	for (i = 0; i < 3; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be null",
							i == 0 ? "source" : i == 1 ? "name" : "target")));
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->source = PG_GETARG_OID(0);
	r->name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	r->target = PG_GETARG_OID(2);
	check_table(r->source);
	check_table(r->target);
	check_owner(r->source);
	check_name(r->source, r->name);
}

/* finish_registration validates the options and stores the relation(s). */
static void
finish_registration(Registration *r, Jsonb *options)
{
	JsonbValue *inverse;

	r->options = options;
	check_options(options, r);
	inverse = getKeyJsonValueFromContainer(&options->root, "inverse", 7, NULL);
	if (inverse != NULL)
		check_owner(r->target);
	catalog_insert(r);
	register_inverse(r);
}

/*
 * register_direct: belongs_to (foreign key on the source), has_one and
 * has_many (foreign key on the target).
 */
static Datum
register_direct(FunctionCallInfo fcinfo, RelationKind kind)
{
	Registration r;

	start_registration(fcinfo, &r, kind);
	if (kind == RELORM_BELONGS_TO)
		resolve_foreign_key(r.source, r.target, arg_array(fcinfo, 3),
							arg_array(fcinfo, 4), psprintf("%s_id", r.name),
							NULL, "foreign_key", &r.source_cols, &r.target_cols);
	else
		resolve_foreign_key(r.target, r.source, arg_array(fcinfo, 3),
							arg_array(fcinfo, 4),
							psprintf("%s_id", get_rel_name(r.source)),
							NULL, "foreign_key", &r.target_cols, &r.source_cols);
	finish_registration(&r, arg_options(fcinfo, 5));
	PG_RETURN_VOID();
}

static Datum
belongs_to_impl(FunctionCallInfo fcinfo)
{
	return register_direct(fcinfo, RELORM_BELONGS_TO);
}

static Datum
has_one_impl(FunctionCallInfo fcinfo)
{
	return register_direct(fcinfo, RELORM_HAS_ONE);
}

static Datum
has_many_impl(FunctionCallInfo fcinfo)
{
	return register_direct(fcinfo, RELORM_HAS_MANY);
}

/*
 * relorm_belongs_to registers a relation whose foreign key is on the
 * source (many-to-one, or the owning side of one-to-one).
 */
Datum
relorm_belongs_to(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, belongs_to_impl);
}

/*
 * relorm_has_one registers a relation to one row whose foreign key is on
 * the target (the inverse side of one-to-one).
 */
Datum
relorm_has_one(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, has_one_impl);
}

/*
 * relorm_has_many registers a relation to many rows whose foreign key is on
 * the target (one-to-many).
 */
Datum
relorm_has_many(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, has_many_impl);
}

/*
 * infer_junction finds the one table with foreign keys to both source and
 * target (two to the same table for a self-referencing relation), else the
 * table <source>_<name> in the source's schema.
 */
static Oid
infer_junction(Oid source, Oid target, const char *name)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *tables = NIL;	/* conrelid of each candidate FK */
	List	   *to_source = NIL;
	List	   *to_target = NIL;
	List	   *candidates = NIL;
	ListCell   *lc;
	Oid			named;

	rel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);

		if (con->contype != CONSTRAINT_FOREIGN || OidIsValid(con->conparentid) ||
			con->conrelid == source || con->conrelid == target)
			continue;
		if (con->confrelid == source)
			to_source = lappend_oid(to_source, con->conrelid);
		else if (con->confrelid == target)
			to_target = lappend_oid(to_target, con->conrelid);
		else
			continue;
		tables = list_append_unique_oid(tables, con->conrelid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	foreach(lc, tables)
	{
		Oid			t = lfirst_oid(lc);
		int			n_source = 0;
		int			n_target = 0;
		ListCell   *lc2;

		foreach(lc2, to_source)
			n_source += lfirst_oid(lc2) == t;
		foreach(lc2, to_target)
			n_target += lfirst_oid(lc2) == t;
		if (source == target ? n_source >= 2 : (n_source >= 1 && n_target >= 1))
			candidates = lappend_oid(candidates, t);
	}

	named = get_relname_relid(psprintf("%s_%s", get_rel_name(source), name),
							  get_rel_namespace(source));
	if (list_length(candidates) == 1)
		return linitial_oid(candidates);
	if (OidIsValid(named) && (candidates == NIL || list_member_oid(candidates, named)))
		return named;
	if (candidates == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("could not infer the junction table between \"%s\" and \"%s\"",
						get_rel_name(source), get_rel_name(target)),
				 errdetail("No table has foreign keys to both, and there is no table \"%s_%s\".",
						   get_rel_name(source), name),
				 errhint("Pass junction => 'table'.")));
	else
	{
		StringInfoData names;

		initStringInfo(&names);
		foreach(lc, candidates)
			appendStringInfo(&names, "%s%s", names.len ? ", " : "",
							 get_rel_name(lfirst_oid(lc)));
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_COLUMN),
				 errmsg("%d tables could be the junction between \"%s\" and \"%s\": %s",
						list_length(candidates), get_rel_name(source),
						get_rel_name(target), names.data),
				 errhint("Pass junction => 'table'.")));
	}
	return InvalidOid;			/* keep compiler quiet */
}

static Datum
many_to_many_impl(FunctionCallInfo fcinfo)
{
	Registration r;

	start_registration(fcinfo, &r, RELORM_MANY_TO_MANY);
	r.junction = PG_ARGISNULL(3) ? infer_junction(r.source, r.target, r.name)
		: PG_GETARG_OID(3);
	check_table(r.junction);
	if (r.junction == r.source || r.junction == r.target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the junction of a many_to_many relation must be a third table"),
				 errhint("Use relorm_belongs_to or relorm_has_many for a foreign key between the two tables.")));
	resolve_foreign_key(r.junction, r.source, arg_array(fcinfo, 4), NULL,
						psprintf("%s_id", get_rel_name(r.source)), NULL,
						"source_key", &r.junction_source_cols, &r.source_cols);
	resolve_foreign_key(r.junction, r.target, arg_array(fcinfo, 5), NULL,
						psprintf("%s_id", get_rel_name(r.target)),
						r.source == r.target ? &r.junction_source_cols : NULL,
						"target_key", &r.junction_target_cols, &r.target_cols);
	/* one column set cannot hold both ends of a pair (sharing some can) */
	if (columnset_equal(&r.junction_source_cols, &r.junction_target_cols))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source_key and target_key name the same junction columns"),
				 errhint("A junction row needs one foreign key to each table.")));
	finish_registration(&r, arg_options(fcinfo, 6));
	PG_RETURN_VOID();
}

/*
 * relorm_many_to_many registers a relation through a junction table.
 */
Datum
relorm_many_to_many(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, many_to_many_impl);
}

/*
 * forget_inverse removes "inverse": name from the options of relation
 * (source, inverse) if it points back at name.
 */
static void
forget_inverse(Relation catalog, Oid source, const char *inverse, const char *name)
{
	HeapTuple	partner = catalog_find(catalog, source, inverse);
	bool		isnull;
	Jsonb	   *options;
	JsonbValue *back;
	Datum		values[Natts_catalog];
	bool		nulls[Natts_catalog];
	bool		replace[Natts_catalog];

	if (partner == NULL)
		return;
	options = DatumGetJsonbP(heap_getattr(partner, Anum_catalog_options, RelationGetDescr(catalog), &isnull));
	back = getKeyJsonValueFromContainer(&options->root, "inverse", 7, NULL);
	if (back == NULL || back->type != jbvString ||
		strlen(name) != back->val.string.len ||
		strncmp(name, back->val.string.val, back->val.string.len) != 0)
		return;
	memset(replace, false, sizeof(replace));
	memset(nulls, false, sizeof(nulls));
	replace[Anum_catalog_options - 1] = true;
	values[Anum_catalog_options - 1] = DirectFunctionCall2(jsonb_delete, JsonbPGetDatum(options),
									CStringGetTextDatum("inverse"));
	partner = heap_modify_tuple(partner, RelationGetDescr(catalog), values, nulls, replace);
	CatalogTupleUpdate(catalog, &partner->t_self, partner);
}

static Datum
drop_relation_impl(FunctionCallInfo fcinfo)
{
	Oid			source;
	char	   *name;
	Relation	catalog;
	HeapTuple	tuple;
	bool		isnull;
	Jsonb	   *options;
	JsonbValue *inverse;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source and name must not be null")));
	source = PG_GETARG_OID(0);
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	check_owner(source);

	catalog = table_open(relorm_catalog_relid(false), RowExclusiveLock);
	tuple = catalog_find(catalog, source, name);
	if (tuple == NULL)
		relorm_relation_not_found(source, name);
	options = DatumGetJsonbP(heap_getattr(tuple, Anum_catalog_options, RelationGetDescr(catalog), &isnull));
	inverse = getKeyJsonValueFromContainer(&options->root, "inverse", 7, NULL);
	if (inverse != NULL && inverse->type == jbvString)
		forget_inverse(catalog,
					   DatumGetObjectId(heap_getattr(tuple, Anum_catalog_target, RelationGetDescr(catalog), &isnull)),
					   pnstrdup(inverse->val.string.val, inverse->val.string.len),
					   name);
	CatalogTupleDelete(catalog, &tuple->t_self);
	table_close(catalog, NoLock);
	catalog_changed();
	PG_RETURN_VOID();
}

/*
 * relorm_drop_relation forgets a relation (and the inverse's pointer back
 * to it).  Tables and data are untouched.
 */
Datum
relorm_drop_relation(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, drop_relation_impl);
}

/* A table or column dropped by the command that fired the trigger. */
typedef struct DroppedObject
{
	Oid			relid;
	int32		attnum;			/* 0 for the whole table */
	char	   *identity;
} DroppedObject;

/* dropped_match: is (relid, any of cols) among the dropped objects? */
static DroppedObject *
dropped_match(DroppedObject *dropped, int n, Oid relid, Datum columns, bool isnull)
{
	int			i;

	if (!OidIsValid(relid))
		return NULL;
	for (i = 0; i < n; i++)
	{
		if (dropped[i].relid != relid)
			continue;
		if (dropped[i].attnum == 0)
			return &dropped[i];
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(columns);
			Datum	   *elems;
			int			nelems;
			int			j;

			deconstruct_array(arr, INT2OID, 2, true, TYPALIGN_SHORT, &elems, NULL, &nelems);
			for (j = 0; j < nelems; j++)
				if (DatumGetInt16(elems[j]) == dropped[i].attnum)
					return &dropped[i];
		}
	}
	return NULL;
}

/*
 * relorm_sql_drop_trigger, on sql_drop: relations whose tables or key
 * columns were dropped are removed, with a NOTICE each.
 */
Datum
relorm_sql_drop_trigger(PG_FUNCTION_ARGS)
{
	Oid			catalog_relid;
	DroppedObject *dropped;
	int			ndropped;
	uint64		i;
	Relation	catalog;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		changed = false;
	MemoryContext caller = CurrentMemoryContext;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "relorm_sql_drop_trigger: not fired by event trigger manager");

	/* the catalog itself may be among the dropped objects */
	relorm_metadata_invalidate_all();
	catalog_relid = relorm_catalog_relid(true);
	if (!OidIsValid(catalog_relid))
		PG_RETURN_NULL();

	SPI_connect();
	if (SPI_execute("SELECT objid, objsubid, object_identity"
					" FROM pg_catalog.pg_event_trigger_dropped_objects()"
					" WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the dropped objects");
	ndropped = (int) SPI_processed;
	dropped = MemoryContextAlloc(caller, sizeof(DroppedObject) * (ndropped + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *identity = SPI_getvalue(row, desc, 3);

		dropped[i].relid = DatumGetObjectId(SPI_getbinval(row, desc, 1, &isnull));
		dropped[i].attnum = DatumGetInt32(SPI_getbinval(row, desc, 2, &isnull));
		dropped[i].identity = MemoryContextStrdup(caller, identity ? identity : "?");
		if (dropped[i].relid == catalog_relid)
		{
			SPI_finish();
			PG_RETURN_NULL();
		}
	}
	SPI_finish();
	if (ndropped == 0)
		PG_RETURN_NULL();

	catalog = table_open(catalog_relid, RowExclusiveLock);
	scan = systable_beginscan(catalog, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		TupleDesc	desc = RelationGetDescr(catalog);
		Datum		values[Natts_catalog];
		bool		nulls[Natts_catalog];
		DroppedObject *match;

		heap_deform_tuple(tuple, desc, values, nulls);
		match = dropped_match(dropped, ndropped, DatumGetObjectId(values[Anum_catalog_source - 1]),
							  values[Anum_catalog_source_columns - 1], nulls[Anum_catalog_source_columns - 1]);
		if (!match)
			match = dropped_match(dropped, ndropped, DatumGetObjectId(values[Anum_catalog_target - 1]),
								  values[Anum_catalog_target_columns - 1], nulls[Anum_catalog_target_columns - 1]);
		if (!match && !nulls[Anum_catalog_junction - 1])
		{
			match = dropped_match(dropped, ndropped, DatumGetObjectId(values[Anum_catalog_junction - 1]),
								  values[Anum_catalog_junction_source - 1], nulls[Anum_catalog_junction_source - 1]);
			if (!match)
				match = dropped_match(dropped, ndropped, DatumGetObjectId(values[Anum_catalog_junction - 1]),
									  values[Anum_catalog_junction_target - 1], nulls[Anum_catalog_junction_target - 1]);
		}
		if (!match)
			continue;
		ereport(NOTICE,
				(errmsg("dropping relorm relation \"%s\" because %s %s was dropped",
						TextDatumGetCString(values[Anum_catalog_name - 1]),
						match->attnum ? "column" : "table", match->identity)));
		CatalogTupleDelete(catalog, &tuple->t_self);
		changed = true;
	}
	systable_endscan(scan);
	table_close(catalog, NoLock);
	if (changed)
		catalog_changed();
	PG_RETURN_NULL();
}

/*
 * renamed_string: the string v with column `from` renamed `to`, if it
 * names it - as "from", or in "order" also as "-from" (descending).
 */
static bool
renamed_string(JsonbValue *v, const char *from, const char *to, bool order)
{
	int			flen = strlen(from);
	int			skip = (order && v->val.string.len == flen + 1 &&
						v->val.string.val[0] == '-') ? 1 : 0;

	if (v->val.string.len != flen + skip ||
		strncmp(v->val.string.val + skip, from, flen) != 0)
		return false;
	v->val.string.val = psprintf("%s%s", skip ? "-" : "", to);
	v->val.string.len = strlen(to) + skip;
	return true;
}

/*
 * rename_in_options returns the options with column `from` renamed `to`
 * where they name it: in "order" (columns of the target) if the renamed
 * table is the target, in "pivot" (columns of the junction) if it is the
 * junction.  NULL when nothing changed.
 */
static Jsonb *
rename_in_options(Jsonb *options, const char *from, const char *to,
				  bool target, bool junction)
{
	JsonbIterator *it = JsonbIteratorInit(&options->root);
	JsonbParseState *state = NULL;
	JsonbValue	v;
	JsonbValue *result = NULL;
	JsonbIteratorToken tok;
	int			depth = 0;
	bool		in_order = false;
	bool		in_pivot = false;
	bool		changed = false;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_OBJECT || tok == WJB_BEGIN_ARRAY)
			depth++;
		else if (tok == WJB_END_OBJECT || tok == WJB_END_ARRAY)
			depth--;
		if (tok == WJB_KEY && depth == 1)
		{
			in_order = target && v.val.string.len == 5 &&
				strncmp(v.val.string.val, "order", 5) == 0;
			in_pivot = junction && v.val.string.len == 5 &&
				strncmp(v.val.string.val, "pivot", 5) == 0;
		}
		/* "order": "col", ["col", "-col"] or [{"col": "asc"}]; "pivot": ["col"] */
		else if (v.type == jbvString &&
				 ((in_order && ((tok == WJB_VALUE && depth == 1) ||
								(tok == WJB_ELEM && depth == 2) ||
								(tok == WJB_KEY && depth == 3))) ||
				  (in_pivot && tok == WJB_ELEM && depth == 2)))
			changed |= renamed_string(&v, from, to, in_order && tok != WJB_KEY);
		result = pushJsonbValue(&state, tok, tok < WJB_BEGIN_ARRAY ? &v : NULL);
	}
	return changed ? JsonbValueToJsonb(result) : NULL;
}

/*
 * relorm_rename_trigger, on ddl_command_end of ALTER TABLE: after RENAME
 * COLUMN, the stored column names of the relations involving the table
 * follow (relations themselves work by attribute number anyway), and so do
 * the "order" and "pivot" options, which name columns.  Rows that name
 * none of the renamed columns are not written.
 */
Datum
relorm_rename_trigger(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	RenameStmt *stmt;
	Oid			relid;
	Oid			catalog_relid;
	Relation	catalog;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		changed = false;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "relorm_rename_trigger: not fired by event trigger manager");
	trigdata = (EventTriggerData *) fcinfo->context;
	if (!IsA(trigdata->parsetree, RenameStmt))
		PG_RETURN_NULL();
	stmt = (RenameStmt *) trigdata->parsetree;
	if (stmt->renameType != OBJECT_COLUMN || stmt->relation == NULL)
		PG_RETURN_NULL();
	catalog_relid = relorm_catalog_relid(true);
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(catalog_relid) || !OidIsValid(relid))
		PG_RETURN_NULL();

	catalog = table_open(catalog_relid, RowExclusiveLock);
	scan = systable_beginscan(catalog, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		TupleDesc	desc = RelationGetDescr(catalog);
		Datum		values[Natts_catalog];
		bool		nulls[Natts_catalog];
		bool		replace[Natts_catalog];
		HeapTuple	updated;
		Datum		names;
		Jsonb	   *options;

		heap_deform_tuple(tuple, desc, values, nulls);
		if (DatumGetObjectId(values[Anum_catalog_source - 1]) != relid &&
			DatumGetObjectId(values[Anum_catalog_target - 1]) != relid &&
			(nulls[Anum_catalog_junction - 1] ||
			 DatumGetObjectId(values[Anum_catalog_junction - 1]) != relid))
			continue;
		memset(replace, false, sizeof(replace));
		names = row_column_names(values, nulls);
		replace[Anum_catalog_column_names - 1] =
			!DatumGetBool(OidFunctionCall2Coll(F_ARRAY_EQ, C_COLLATION_OID,
											   values[Anum_catalog_column_names - 1], names));
		values[Anum_catalog_column_names - 1] = names;
		options = rename_in_options(DatumGetJsonbP(values[Anum_catalog_options - 1]),
									stmt->subname, stmt->newname,
									DatumGetObjectId(values[Anum_catalog_target - 1]) == relid,
									!nulls[Anum_catalog_junction - 1] &&
									DatumGetObjectId(values[Anum_catalog_junction - 1]) == relid);
		if (options != NULL)
		{
			replace[Anum_catalog_options - 1] = true;
			values[Anum_catalog_options - 1] = JsonbPGetDatum(options);
		}
		/* rows that name none of the renamed columns stay as they are */
		if (!replace[Anum_catalog_column_names - 1] && options == NULL)
			continue;
		updated = heap_modify_tuple(tuple, desc, values, nulls, replace);
		CatalogTupleUpdate(catalog, &updated->t_self, updated);
		changed = true;
	}
	systable_endscan(scan);
	table_close(catalog, NoLock);
	if (changed)
		catalog_changed();
	PG_RETURN_NULL();
}
