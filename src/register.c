/*-------------------------------------------------------------------------
 *
 * register.c
 *	  Registering and dropping relations (SPEC §2): relorm_belongs_to,
 *	  relorm_has_one, relorm_has_many, relorm_many_to_many,
 *	  relorm_has_many_through, relorm_has_one_through, relorm_infer,
 *	  relorm_drop_relation, the options that create things (create,
 *	  accessor), and the event triggers that forget the relations of
 *	  dropped tables and columns and follow renamed columns.
 *
 * Omitted columns are inferred by infer.c; the row is stored by catalog.c;
 * the DDL of "create" and "accessor" is printed by deparse_ddl.c and run
 * by exec.c.
 *
 * Registering is DDL: refused in a read-only transaction and on a standby
 * (25006); the same definition again is a no-op, another one 42710;
 * registrations of one table are serialized by a lock on it.  Only the
 * owner of the source table (and of the target, for an inverse relation)
 * may register or drop.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "commands/event_trigger.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "deparse.h"
#include "deparse_ddl.h"
#include "deparse_query.h"
#include "exec.h"
#include "fnargs.h"
#include "infer.h"
#include "metadata.h"
#include "options.h"

PG_FUNCTION_INFO_V1(relorm_belongs_to);
PG_FUNCTION_INFO_V1(relorm_has_one);
PG_FUNCTION_INFO_V1(relorm_has_many);
PG_FUNCTION_INFO_V1(relorm_many_to_many);
PG_FUNCTION_INFO_V1(relorm_drop_relation);
PG_FUNCTION_INFO_V1(relorm_infer);
PG_FUNCTION_INFO_V1(relorm_has_many_through);
PG_FUNCTION_INFO_V1(relorm_has_one_through);

static RelationOptions parse_options(RelationKind kind, Jsonb *jb);
static void create_accessor(const CatalogEntry *r);
PG_FUNCTION_INFO_V1(relorm_sql_drop_trigger);
PG_FUNCTION_INFO_V1(relorm_rename_trigger);

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
 * check_name: a relation's name is an identifier-like word that is not a
 * column of the source and not taken by another relation of it.
 */
static void
check_name(Oid source, const char *name)
{
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
}

/*
 * lock_source serializes registrations and drops of a table's relations
 * (ShareUpdateExclusiveLock conflicts with itself, not with reads or
 * writes of the table): a registration waits for another one of the same
 * table to end, then reads the catalog as it committed, so that the same
 * definition registered by two sessions at once is a no-op for the second
 * rather than an error.
 */
static void
lock_source(Oid relid)
{
	LockRelationOid(relid, ShareUpdateExclusiveLock);
}

/*
 * prevent_read_only: registering and dropping relations is DDL, refused
 * (25006) on a standby and in a read-only transaction.
 */
static void
prevent_read_only(const char *function)
{
	PreventCommandDuringRecovery(function);
	PreventCommandIfReadOnly(function);
}

/*
 * store_relation stores r, unless a relation of that name exists: with the
 * same definition (options included) that is a no-op, so that migrations
 * can run again; with another, 42710.  Returns whether it stored r.
 */
static bool
store_relation(const CatalogEntry *r)
{
	CatalogRow *row = catalog_read(r->source, r->name);

	if (row == NULL)
	{
		catalog_insert(r);
		return true;
	}
	if (catalog_row_matches(row, r, false))
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_DUPLICATE_OBJECT),
			 errmsg("relation \"%s\" of table \"%s\" already exists with another definition",
					r->name, get_rel_name(r->source)),
			 errdetail("It is a %s relation to table \"%s\" with options %s.",
					   TextDatumGetCString(row->values[Anum_catalog_kind - 1]),
					   get_rel_name(DatumGetObjectId(row->values[Anum_catalog_target - 1])),
					   JsonbToCString(NULL, &DatumGetJsonbP(row->values[Anum_catalog_options - 1])->root, 0)),
			 errhint("Drop it first with relorm_drop_relation.")));
	return false;				/* keep compiler quiet */
}

/*
 * register_inverse registers the relation seen from the target, named
 * options.inverse, when given.
 */
static void
register_inverse(CatalogEntry *r)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&r->options->root, "inverse", 7, NULL);
	CatalogEntry inv;

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
	inv.options = options_inverse_of(r->name);

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
		case RELORM_HAS_MANY_THROUGH:
		case RELORM_HAS_ONE_THROUGH:
			return;				/* they take no options */
	}
	check_owner(inv.source);
	lock_source(inv.source);
	check_name(inv.source, inv.name);
	(void) store_relation(&inv);
}

/* arg_array: a text[] argument, or NULL. */
static ArrayType *
arg_array(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : PG_GETARG_ARRAYTYPE_P(argno);
}

/* empty_options: the jsonb {}. */
static Jsonb *
empty_options(void)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
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
start_registration(FunctionCallInfo fcinfo, CatalogEntry *r, RelationKind kind)
{
	int			i;

	for (i = 0; i < 3; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be null",
							i == 0 ? "source" : i == 1 ? "name" : "target")));
	prevent_read_only(psprintf("relorm_%s()", relation_kind_name(kind)));
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->source = PG_GETARG_OID(0);
	r->name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	r->target = PG_GETARG_OID(2);
	check_table(r->source);
	check_table(r->target);
	check_owner(r->source);
	lock_source(r->source);
	check_name(r->source, r->name);
}

/*
 * validate_options checks a relation's options (options.c), and the
 * columns its "order" names as the query language reads an order.
 */
static void
validate_options(CatalogEntry *r)
{
	OptionsTarget target;
	RelationOptions options;

	target.kind = r->kind;
	target.junction = r->junction;
	target.junction_source_cols = &r->junction_source_cols;
	target.junction_target_cols = &r->junction_target_cols;
	options_parse(r->options, &target, true, &options);
	if (options.order != NULL)
		(void) deparse_order_option(r->target, "t", options.order);
}

/* finish_registration validates the options and stores the relation(s). */
static void
finish_registration(CatalogEntry *r, Jsonb *options)
{
	r->options = options;
	validate_options(r);
	if (options_inverse(options) != NULL)
		check_owner(r->target);
	if (store_relation(r) && parse_options(r->kind, options).accessor)
		create_accessor(r);
	register_inverse(r);
}

/* parse_options: a registration's options, checked (options.c). */
static RelationOptions
parse_options(RelationKind kind, Jsonb *jb)
{
	OptionsTarget target;
	RelationOptions options;

	memset(&target, 0, sizeof(target));
	target.kind = kind;
	options_parse(jb, &target, false, &options);
	return options;
}

/* single_column_key: "create" makes single-column keys (0A000 otherwise). */
static void
single_column_key(const ColumnSet *cols, Oid relid)
{
	if (cols->ncols != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("option \"create\" cannot create a foreign key to the %d-column key of table \"%s\"",
						cols->ncols, get_rel_name(relid)),
				 errhint("Create the columns and the foreign key, then register the relation without \"create\".")));
}

/*
 * create_foreign_key: the "create" option of belongs_to, has_one and
 * has_many (SPEC §2): on fk_table, the column (typed like the referenced
 * column, NOT NULL with "nullable": false) if missing, the foreign key
 * (ON DELETE as "on_delete" says) if missing, and for a created column an
 * index (UNIQUE for has_one).  An existing column only gets the
 * constraint.  Runs in the caller's transaction: an error in any step
 * (a NOT NULL column on a table with rows, a lacking privilege) leaves
 * nothing created.
 */
static void
create_foreign_key(Oid fk_table, ArrayType *given_fk, const char *naming, Oid ref_table,
				   ArrayType *given_ref, const RelationOptions *options, bool unique)
{
	ColumnSet	refcols;
	ColumnSet	fkcols;
	char	   *column = (char *) naming;
	bool		created;

	infer_referenced_key(ref_table, given_ref, &refcols);
	single_column_key(&refcols, ref_table);
	if (given_fk != NULL)
	{
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		deconstruct_array(given_fk, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		if (n != 1 || nulls[0])
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("option \"create\" creates a single foreign-key column"),
					 errhint("Pass foreign_key => ARRAY['column'].")));
		column = TextDatumGetCString(elems[0]);
	}
	created = get_attnum(fk_table, column) == InvalidAttrNumber;
	if (created)
		exec_ddl(deparse_ddl_add_column(fk_table, column, refcols.types[0], refcols.typmods[0],
										refcols.collations[0], options->not_null));
	memset(&fkcols, 0, sizeof(fkcols));
	fkcols.ncols = 1;
	fkcols.attnums[0] = get_attnum(fk_table, column);
	columnset_fill(&fkcols, fk_table);
	if (!infer_has_foreign_key(fk_table, &fkcols, ref_table, &refcols))
		exec_ddl(deparse_ddl_add_foreign_key(fk_table, column, ref_table, refcols.names[0],
											 options->on_delete));
	if (created)
		exec_ddl(unique ? deparse_ddl_add_unique(fk_table, column)
				 : deparse_ddl_create_index(fk_table, column));
}

/*
 * create_junction: the "create" option of many_to_many: the junction
 * named "junction_name" or <source>_<name> in the source's schema, used
 * as it is if it exists, else created as the seed's question_categories:
 * <source>_id and <target>_id (<name>_id when the two would be the same),
 * typed like the keys they reference, a primary key over both, both
 * foreign keys ON DELETE CASCADE (or "on_delete"), an index on the second.
 */
static Oid
create_junction(const CatalogEntry *r, const RelationOptions *options)
{
	Oid			nsp = get_rel_namespace(r->source);
	char	   *name = options->junction_name ? options->junction_name
		: psprintf("%s_%s", get_rel_name(r->source), r->name);
	Oid			junction = get_relname_relid(name, nsp);
	ColumnSet	source_key;
	ColumnSet	target_key;
	char	   *source_column;
	char	   *target_column;

	if (OidIsValid(junction))
		return junction;
	infer_referenced_key(r->source, NULL, &source_key);
	infer_referenced_key(r->target, NULL, &target_key);
	single_column_key(&source_key, r->source);
	single_column_key(&target_key, r->target);
	source_column = psprintf("%s_id", get_rel_name(r->source));
	target_column = psprintf("%s_id", get_rel_name(r->target));
	if (strcmp(source_column, target_column) == 0)
		target_column = psprintf("%s_id", r->name);
	exec_ddl(deparse_ddl_create_junction(nsp, name, source_column, r->source, &source_key,
										 target_column, r->target, &target_key,
										 options->on_delete));
	return get_relname_relid(name, nsp);
}

/* relorm_schema: the schema relorm is installed in (accessors call it). */
static char *
relorm_schema(void)
{
	return get_namespace_name(get_rel_namespace(relorm_catalog_relid(false)));
}

/*
 * create_accessor: the "accessor" option: <relation>(<source table>) in
 * the source's schema (deparse_ddl.c shows it).  A function of that
 * signature is 42723.
 */
static void
create_accessor(const CatalogEntry *r)
{
	Oid			nsp = get_rel_namespace(r->source);
	Oid			argtype = get_rel_type_id(r->source);

	if (OidIsValid(LookupFuncName(list_make2(makeString(get_namespace_name(nsp)),
											 makeString(r->name)),
								  1, &argtype, true)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_FUNCTION),
				 errmsg("function %s(%s) already exists",
						quote_qualified_identifier(get_namespace_name(nsp), r->name),
						format_type_be(argtype)),
				 errdetail("Option \"accessor\" creates a function named after the relation."),
				 errhint("Drop the function, or register the relation without \"accessor\".")));
	exec_ddl(deparse_ddl_create_accessor(nsp, r->name, r->source, r->name,
										 relation_kind_is_to_many(r->kind), relorm_schema()));
}

/* drop_accessor drops the accessor of a relation, if it has one. */
static void
drop_accessor(const CatalogRow *row)
{
	Oid			source = DatumGetObjectId(row->values[Anum_catalog_source - 1]);
	RelationOptions options;

	options = parse_options(relation_kind_from_name(TextDatumGetCString(row->values[Anum_catalog_kind - 1])),
							DatumGetJsonbP(row->values[Anum_catalog_options - 1]));
	if (!options.accessor || get_rel_name(source) == NULL)
		return;
	exec_ddl(deparse_ddl_drop_accessor(get_rel_namespace(source),
									   TextDatumGetCString(row->values[Anum_catalog_name - 1]),
									   source));
}

/*
 * register_direct: belongs_to (foreign key on the source), has_one and
 * has_many (foreign key on the target).
 */
static Datum
register_direct(FunctionCallInfo fcinfo, RelationKind kind)
{
	CatalogEntry r;
	RelationOptions options;

	start_registration(fcinfo, &r, kind);
	options = parse_options(kind, arg_options(fcinfo, 5));
	if (options.create && kind == RELORM_BELONGS_TO)
		create_foreign_key(r.source, arg_array(fcinfo, 3), psprintf("%s_id", r.name),
						   r.target, arg_array(fcinfo, 4), &options, false);
	else if (options.create)
		create_foreign_key(r.target, arg_array(fcinfo, 3),
						   psprintf("%s_id", get_rel_name(r.source)), r.source,
						   arg_array(fcinfo, 4), &options, kind == RELORM_HAS_ONE);
	if (kind == RELORM_BELONGS_TO)
	{
		infer_foreign_key(r.source, r.target, arg_array(fcinfo, 3),
						  arg_array(fcinfo, 4), psprintf("%s_id", r.name),
						  NULL, "foreign_key", &r.source_cols, &r.target_cols);
		deparse_check_comparable(&r.source_cols, &r.target_cols);
	}
	else
	{
		infer_foreign_key(r.target, r.source, arg_array(fcinfo, 3),
						  arg_array(fcinfo, 4),
						  psprintf("%s_id", get_rel_name(r.source)),
						  NULL, "foreign_key", &r.target_cols, &r.source_cols);
		deparse_check_comparable(&r.target_cols, &r.source_cols);
	}
	finish_registration(&r, arg_options(fcinfo, 5));
	PG_RETURN_VOID();
}

/*
 * relorm_belongs_to registers a relation whose foreign key is on the
 * source (many-to-one, or the owning side of one-to-one).
 */
Datum
relorm_belongs_to(PG_FUNCTION_ARGS)
{
	return register_direct(fcinfo, RELORM_BELONGS_TO);
}

/*
 * relorm_has_one registers a relation to one row whose foreign key is on
 * the target (the inverse side of one-to-one).
 */
Datum
relorm_has_one(PG_FUNCTION_ARGS)
{
	return register_direct(fcinfo, RELORM_HAS_ONE);
}

/*
 * relorm_has_many registers a relation to many rows whose foreign key is on
 * the target (one-to-many).
 */
Datum
relorm_has_many(PG_FUNCTION_ARGS)
{
	return register_direct(fcinfo, RELORM_HAS_MANY);
}

/*
 * relorm_many_to_many registers a relation through a junction table.
 */
Datum
relorm_many_to_many(PG_FUNCTION_ARGS)
{
	CatalogEntry r;
	RelationOptions options;

	start_registration(fcinfo, &r, RELORM_MANY_TO_MANY);
	options = parse_options(RELORM_MANY_TO_MANY, arg_options(fcinfo, 6));
	if (PG_ARGISNULL(3))
		r.junction = options.create ? create_junction(&r, &options)
			: infer_junction(r.source, r.target, r.name);
	else
		r.junction = PG_GETARG_OID(3);
	check_table(r.junction);
	if (r.junction == r.source || r.junction == r.target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the junction of a many_to_many relation must be a third table"),
				 errhint("Use relorm_belongs_to or relorm_has_many for a foreign key between the two tables.")));
	infer_foreign_key(r.junction, r.source, arg_array(fcinfo, 4), NULL,
					  psprintf("%s_id", get_rel_name(r.source)), NULL,
					  "source_key", &r.junction_source_cols, &r.source_cols);
	deparse_check_comparable(&r.junction_source_cols, &r.source_cols);
	infer_foreign_key(r.junction, r.target, arg_array(fcinfo, 5), NULL,
					  psprintf("%s_id", get_rel_name(r.target)),
					  r.source == r.target ? &r.junction_source_cols : NULL,
					  "target_key", &r.junction_target_cols, &r.target_cols);
	deparse_check_comparable(&r.junction_target_cols, &r.target_cols);
	/* one column set cannot hold both ends of a pair (sharing some can) */
	if (columnset_equal(&r.junction_source_cols, &r.junction_target_cols))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source_key and target_key name the same junction columns"),
				 errhint("A junction row needs one foreign key to each table.")));
	finish_registration(&r, arg_options(fcinfo, 6));
	PG_RETURN_VOID();
}

/* One relation relorm_infer plans to register. */
typedef struct PlannedRelation
{
	CatalogEntry entry;
	const char *base;			/* the name the rules give */
	const char *alternative;	/* tried next when base is taken, or NULL */
	int			partner;		/* index of the other direction */
	bool		exists;			/* already registered (under entry.name) */
} PlannedRelation;

/*
 * belongs_to_name: the name relorm_infer gives the belongs_to of a foreign
 * key: its column without "_id" (Rails, TypeORM's snake case) or "Id"
 * (camelCase: TypeORM's questionId, Prisma's authorId), else the
 * referenced table's name (composite keys, Prisma's "A"/"B").
 */
static char *
belongs_to_name(const SchemaForeignKey *fk)
{
	if (fk->referencing.ncols == 1)
	{
		const char *col = fk->referencing.names[0];
		int			len = strlen(col);

		if (len > 3 && strcmp(col + len - 3, "_id") == 0)
			return pnstrdup(col, len - 3);
		if (len > 2 && strcmp(col + len - 2, "Id") == 0 &&
			!(col[len - 3] >= 'A' && col[len - 3] <= 'Z'))
			return pnstrdup(col, len - 2);
	}
	return get_rel_name(fk->referenced_table);
}

/*
 * name_taken: is name a column of source, a relation of it, or a name
 * already chosen for source in this run?
 */
static bool
name_taken(Oid source, const char *name, PlannedRelation *planned, int nplanned)
{
	int			i;

	if (strlen(name) >= NAMEDATALEN || get_attnum(source, name) != InvalidAttrNumber ||
		catalog_read(source, name) != NULL)
		return true;
	for (i = 0; i < nplanned; i++)
		if (planned[i].entry.source == source && planned[i].entry.name != NULL &&
			strcmp(planned[i].entry.name, name) == 0)
			return true;
	return false;
}

/*
 * choose_name names planned relation i: the first of base, alternative,
 * base_2, base_3, ... not taken (base cut so that the suffix fits in an
 * identifier).
 */
static void
choose_name(PlannedRelation *planned, int i)
{
	PlannedRelation *p = &planned[i];
	const char *base;
	int			n;

	if (!name_taken(p->entry.source, p->base, planned, i))
	{
		p->entry.name = pstrdup(p->base);
		return;
	}
	if (p->alternative && !name_taken(p->entry.source, p->alternative, planned, i))
	{
		p->entry.name = pstrdup(p->alternative);
		return;
	}
	base = pnstrdup(p->base, pg_mbcliplen(p->base, strlen(p->base), NAMEDATALEN - 12));
	for (n = 2;; n++)
	{
		char	   *name = psprintf("%s_%d", base, n);

		if (!name_taken(p->entry.source, name, planned, i))
		{
			p->entry.name = name;
			return;
		}
	}
}

/* count_fks_to: how many foreign keys of fk's table reference fk's target. */
static int
count_fks_to(List *fks, const SchemaForeignKey *fk)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, fks)
	{
		SchemaForeignKey *other = lfirst(lc);

		n += other->table == fk->table && other->referenced_table == fk->referenced_table;
	}
	return n;
}

/* plan_pair adds two planned relations, each the other's inverse. */
static void
plan_pair(PlannedRelation *planned, int *n, const CatalogEntry *a, const char *abase,
		  const char *aalt, const CatalogEntry *b, const char *bbase, const char *balt)
{
	planned[*n].entry = *a;
	planned[*n].base = abase;
	planned[*n].alternative = aalt;
	planned[*n].partner = *n + 1;
	planned[*n + 1].entry = *b;
	planned[*n + 1].base = bbase;
	planned[*n + 1].alternative = balt;
	planned[*n + 1].partner = *n;
	*n += 2;
}

/*
 * plan_foreign_key: the belongs_to of a foreign key and its inverse,
 * has_one when the foreign-key columns are unique, else has_many, named
 * after the referencing table (<table>_<belongs_to name> when the table
 * has several foreign keys to the same table: sender_id / receiver_id).
 */
static void
plan_foreign_key(List *fks, const SchemaForeignKey *fk, PlannedRelation *planned, int *n)
{
	CatalogEntry bt;
	CatalogEntry inv;
	char	   *btname = belongs_to_name(fk);
	char	   *qualified = psprintf("%s_%s", fk->table_name, btname);

	memset(&bt, 0, sizeof(bt));
	bt.kind = RELORM_BELONGS_TO;
	bt.source = fk->table;
	bt.target = fk->referenced_table;
	bt.source_cols = fk->referencing;
	bt.target_cols = fk->referenced;
	memset(&inv, 0, sizeof(inv));
	inv.kind = table_unique_index(fk->table, &fk->referencing, true, false)
		? RELORM_HAS_ONE : RELORM_HAS_MANY;
	inv.source = fk->referenced_table;
	inv.target = fk->table;
	inv.source_cols = fk->referenced;
	inv.target_cols = fk->referencing;
	plan_pair(planned, n, &bt, btname, NULL, &inv,
			  count_fks_to(fks, fk) > 1 ? qualified : fk->table_name, qualified);
}

/*
 * plan_junction: the many_to_many both ways through a junction whose
 * foreign keys are a and b, named after the other table (for a
 * self-referencing junction, after the far foreign key's column: friend,
 * user), else <table>_via_<junction>.
 */
static void
plan_junction(const SchemaForeignKey *a, const SchemaForeignKey *b,
			  PlannedRelation *planned, int *n)
{
	CatalogEntry ab;
	CatalogEntry ba;
	bool		self = a->referenced_table == b->referenced_table;
	char	   *abname = self ? belongs_to_name(b) : get_rel_name(b->referenced_table);
	char	   *baname = self ? belongs_to_name(a) : get_rel_name(a->referenced_table);

	memset(&ab, 0, sizeof(ab));
	ab.kind = RELORM_MANY_TO_MANY;
	ab.source = a->referenced_table;
	ab.target = b->referenced_table;
	ab.junction = a->table;
	ab.source_cols = a->referenced;
	ab.junction_source_cols = a->referencing;
	ab.junction_target_cols = b->referencing;
	ab.target_cols = b->referenced;
	memset(&ba, 0, sizeof(ba));
	ba.kind = RELORM_MANY_TO_MANY;
	ba.source = b->referenced_table;
	ba.target = a->referenced_table;
	ba.junction = a->table;
	ba.source_cols = b->referenced;
	ba.junction_source_cols = b->referencing;
	ba.junction_target_cols = a->referencing;
	ba.target_cols = a->referenced;
	plan_pair(planned, n, &ab, abname, psprintf("%s_via_%s", abname, a->table_name),
			  &ba, baname, psprintf("%s_via_%s", baname, a->table_name));
}

/* infer_result_row: a row of relorm_relations for a relation registered. */
static void
infer_result_row(ReturnSetInfo *rsinfo, const CatalogEntry *e)
{
	const ColumnSet *sets[4] = {&e->source_cols, &e->target_cols,
	&e->junction_source_cols, &e->junction_target_cols};
	Oid			tables[4] = {e->source, e->target, e->junction, e->junction};
	Datum		values[10];
	bool		nulls[10];
	int			a;

	memset(nulls, false, sizeof(nulls));
	values[0] = ObjectIdGetDatum(e->source);
	values[1] = CStringGetTextDatum(e->name);
	values[2] = CStringGetTextDatum(relation_kind_name(e->kind));
	values[3] = ObjectIdGetDatum(e->target);
	values[4] = ObjectIdGetDatum(e->junction);
	nulls[4] = !OidIsValid(e->junction);
	for (a = 0; a < 4; a++)
	{
		Datum		names[RELORM_MAX_KEY_COLUMNS];
		int			i;

		if (a >= 2 && !OidIsValid(e->junction))
		{
			nulls[5 + a] = true;
			continue;
		}
		for (i = 0; i < sets[a]->ncols; i++)
			names[i] = CStringGetTextDatum(get_attname(tables[a], sets[a]->attnums[i], false));
		values[5 + a] = PointerGetDatum(construct_array(names, sets[a]->ncols, TEXTOID, -1,
														false, TYPALIGN_INT));
	}
	values[9] = JsonbPGetDatum(e->options);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * relorm_infer(schema) registers the relations the foreign keys of the
 * schema's tables imply (SPEC §2): for each foreign key a belongs_to and
 * its inverse, for each junction a many_to_many both ways.  A relation
 * defined so already (under any name) is left alone, which makes a second
 * run register nothing.  Returns the relations registered.
 */
Datum
relorm_infer(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			nsp;
	List	   *fks;
	PlannedRelation *planned;
	int			nplanned = 0;
	int			i;
	ListCell   *lc;
	bool		changed = false;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("schema must not be null")));
	nsp = get_namespace_oid(NameStr(*PG_GETARG_NAME(0)), false);
	prevent_read_only("relorm_infer()");
	InitMaterializedSRF(fcinfo, 0);

	fks = infer_schema_foreign_keys(nsp);
	/* two per foreign key, and two per junction (which has two of them) */
	planned = palloc0(sizeof(PlannedRelation) * (3 * list_length(fks) + 2));
	foreach(lc, fks)
		plan_foreign_key(fks, lfirst(lc), planned, &nplanned);

	/* junctions: the first pair of a table's foreign keys that is its key */
	for (i = 0; i < list_length(fks); i++)
	{
		SchemaForeignKey *a = list_nth(fks, i);
		int			j;
		int			k;
		bool		found = false;

		if (i > 0 && ((SchemaForeignKey *) list_nth(fks, i - 1))->table == a->table)
			continue;			/* not the table's first foreign key */
		for (j = i; !found && j < list_length(fks) &&
			 ((SchemaForeignKey *) list_nth(fks, j))->table == a->table; j++)
			for (k = j + 1; !found && k < list_length(fks) &&
				 ((SchemaForeignKey *) list_nth(fks, k))->table == a->table; k++)
				if (infer_is_junction(list_nth(fks, j), list_nth(fks, k)))
				{
					plan_junction(list_nth(fks, j), list_nth(fks, k), planned, &nplanned);
					found = true;
				}
	}

	/* names, in order, so that every run names alike */
	for (i = 0; i < nplanned; i++)
	{
		char	   *existing;

		lock_source(planned[i].entry.source);
		existing = catalog_find_same(&planned[i].entry);

		planned[i].exists = existing != NULL;
		if (existing)
			planned[i].entry.name = existing;
		else
			choose_name(planned, i);
	}
	for (i = 0; i < nplanned; i++)
	{
		PlannedRelation *p = &planned[i];
		PlannedRelation *partner = &planned[p->partner];

		if (p->exists)
			continue;
		check_owner(p->entry.source);
		/* new pairs know each other as inverses */
		p->entry.options = partner->exists ? empty_options()
			: options_inverse_of(partner->entry.name);
		catalog_insert(&p->entry);
		infer_result_row(rsinfo, &p->entry);
		changed = true;
	}
	if (changed)
		catalog_changed();
	return (Datum) 0;
}

/*
 * through_options: {"through": through, "via": via}, the stored options of
 * a through relation.
 */
static Jsonb *
through_options(const char *through, const char *via)
{
	JsonbParseState *state = NULL;
	JsonbValue	v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	v.type = jbvString;
	v.val.string.val = "through";
	v.val.string.len = 7;
	pushJsonbValue(&state, WJB_KEY, &v);
	v.val.string.val = (char *) through;
	v.val.string.len = strlen(through);
	pushJsonbValue(&state, WJB_VALUE, &v);
	v.val.string.val = "via";
	v.val.string.len = 3;
	pushJsonbValue(&state, WJB_KEY, &v);
	v.val.string.val = (char *) via;
	v.val.string.len = strlen(via);
	pushJsonbValue(&state, WJB_VALUE, &v);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* through_hop: a relation a through relation follows (not itself a through one). */
static RelationInfo *
through_hop(Oid source, const char *name, const char *argname)
{
	RelationInfo *rel = relorm_lookup_relation(source, name);

	if (relation_kind_is_through(rel->kind))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s relation \"%s\" of table \"%s\" cannot be followed by a through relation",
						relation_kind_name(rel->kind), name, get_rel_name(source)),
				 errhint("Pass as %s a belongs_to, has_one, has_many or many_to_many relation.",
						 argname)));
	return rel;
}

/*
 * register_through: relorm_has_many_through and relorm_has_one_through.
 * `through` is a relation of the source, `via` a relation of its target;
 * the far rows are via's targets.  Stored with the source columns of the
 * first, the target columns of the second and the table between them as
 * the catalog's junction, so that dropping any of them drops it.
 */
static Datum
register_through(FunctionCallInfo fcinfo, RelationKind kind)
{
	CatalogEntry r;
	char	   *through;
	char	   *via;
	RelationInfo *first;
	RelationInfo *second;
	int			i;

	prevent_read_only(psprintf("relorm_%s()", relation_kind_name(kind)));
	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be null",
							i == 0 ? "source" : i == 1 ? "name" : i == 2 ? "through" : "via")));
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.source = PG_GETARG_OID(0);
	r.name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	through = text_to_cstring(PG_GETARG_TEXT_PP(2));
	via = text_to_cstring(PG_GETARG_TEXT_PP(3));
	check_table(r.source);
	check_owner(r.source);
	lock_source(r.source);
	check_name(r.source, r.name);

	first = through_hop(r.source, through, "through");
	second = through_hop(first->target.relid, via, "via");
	if (kind == RELORM_HAS_ONE_THROUGH &&
		(relation_kind_is_to_many(first->kind) || relation_kind_is_to_many(second->kind)))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("has_one_through relation \"%s\" would follow the to-many relation \"%s\"",
						r.name, relation_kind_is_to_many(first->kind) ? through : via),
				 errdetail("A has_one_through relation follows two to-one relations (belongs_to, has_one)."),
				 errhint("Use relorm_has_many_through.")));

	r.target = second->target.relid;
	r.junction = first->target.relid;
	r.source_cols = first->source_cols;
	r.target_cols = second->target_cols;
	r.options = through_options(through, via);
	(void) store_relation(&r);
	PG_RETURN_VOID();
}

/*
 * relorm_has_many_through registers a read-only relation to the rows two
 * relations in a row reach (an author's reviews through books), each once.
 */
Datum
relorm_has_many_through(PG_FUNCTION_ARGS)
{
	return register_through(fcinfo, RELORM_HAS_MANY_THROUGH);
}

/*
 * relorm_has_one_through registers a read-only relation to the row two
 * to-one relations in a row reach (a book's author's profile).
 */
Datum
relorm_has_one_through(PG_FUNCTION_ARGS)
{
	return register_through(fcinfo, RELORM_HAS_ONE_THROUGH);
}

/*
 * through_users: the through relations (CatalogRow *) that follow relation
 * (source, name): as their first relation (same source) or as their
 * second (source = the table between).
 */
static List *
through_users(Oid source, const char *name)
{
	List	   *users = NIL;
	ListCell   *lc;

	foreach(lc, catalog_rows())
	{
		CatalogRow *row = lfirst(lc);
		RelationKind kind = relation_kind_from_name(TextDatumGetCString(row->values[Anum_catalog_kind - 1]));
		Jsonb	   *options;
		JsonbValue *through;
		JsonbValue *via;

		if (!relation_kind_is_through(kind))
			continue;
		options = DatumGetJsonbP(row->values[Anum_catalog_options - 1]);
		through = getKeyJsonValueFromContainer(&options->root, "through", 7, NULL);
		via = getKeyJsonValueFromContainer(&options->root, "via", 3, NULL);
		if (through == NULL || via == NULL || through->type != jbvString ||
			via->type != jbvString)
			continue;
		if ((DatumGetObjectId(row->values[Anum_catalog_source - 1]) == source &&
			 strlen(name) == through->val.string.len &&
			 strncmp(name, through->val.string.val, through->val.string.len) == 0) ||
			(!row->nulls[Anum_catalog_junction - 1] &&
			 DatumGetObjectId(row->values[Anum_catalog_junction - 1]) == source &&
			 strlen(name) == via->val.string.len &&
			 strncmp(name, via->val.string.val, via->val.string.len) == 0))
			users = lappend(users, row);
	}
	return users;
}

/*
 * forget_inverse removes "inverse": name from the options of relation
 * (source, inverse) if it points back at name.
 */
static void
forget_inverse(Oid source, const char *inverse, const char *name)
{
	CatalogRow *partner = catalog_read(source, inverse);
	Jsonb	   *options;
	char	   *back;

	if (partner == NULL)
		return;
	options = DatumGetJsonbP(partner->values[Anum_catalog_options - 1]);
	back = options_inverse(options);
	if (back == NULL || strcmp(back, name) != 0)
		return;
	catalog_set_options(partner,
						DatumGetJsonbP(DirectFunctionCall2(jsonb_delete, JsonbPGetDatum(options),
														   CStringGetTextDatum("inverse"))));
}

/*
 * relorm_drop_relation forgets a relation (and the inverse's pointer back
 * to it).  Tables and data are untouched.
 */
Datum
relorm_drop_relation(PG_FUNCTION_ARGS)
{
	Oid			source;
	char	   *name;
	CatalogRow *row;
	char	   *inverse;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source and name must not be null")));
	prevent_read_only("relorm_drop_relation()");
	source = PG_GETARG_OID(0);
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	check_owner(source);
	lock_source(source);

	row = catalog_read(source, name);
	if (row == NULL)
		relorm_relation_not_found(source, name);
	if (through_users(source, name) != NIL)
	{
		CatalogRow *user = linitial(through_users(source, name));

		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop relation \"%s\" of table \"%s\" because %s relation \"%s\" of table \"%s\" uses it",
						name, get_rel_name(source),
						TextDatumGetCString(user->values[Anum_catalog_kind - 1]),
						TextDatumGetCString(user->values[Anum_catalog_name - 1]),
						get_rel_name(DatumGetObjectId(user->values[Anum_catalog_source - 1]))),
				 errhint("Drop the through relation first.")));
	}
	inverse = options_inverse(DatumGetJsonbP(row->values[Anum_catalog_options - 1]));
	if (inverse != NULL)
		forget_inverse(DatumGetObjectId(row->values[Anum_catalog_target - 1]), inverse, name);
	drop_accessor(row);
	catalog_delete(row);
	catalog_changed();
	PG_RETURN_VOID();
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
 * forget_orphan_through_relations removes, with a NOTICE each, the through
 * relations one of whose relations the sql_drop trigger removed.
 */
static void
forget_orphan_through_relations(void)
{
	ListCell   *lc;
	bool		changed = false;

	foreach(lc, catalog_rows())
	{
		CatalogRow *row = lfirst(lc);
		Datum	   *values = row->values;
		RelationOptions options;
		OptionsTarget target;
		char	   *missing;

		memset(&target, 0, sizeof(target));
		target.kind = relation_kind_from_name(TextDatumGetCString(values[Anum_catalog_kind - 1]));
		if (!relation_kind_is_through(target.kind) || row->nulls[Anum_catalog_junction - 1])
			continue;
		options_parse(DatumGetJsonbP(values[Anum_catalog_options - 1]), &target, false, &options);
		if (options.through == NULL || options.via == NULL)
			continue;
		missing = catalog_read(DatumGetObjectId(values[Anum_catalog_source - 1]),
							   options.through) == NULL ? options.through
			: catalog_read(DatumGetObjectId(values[Anum_catalog_junction - 1]),
						   options.via) == NULL ? options.via : NULL;
		if (missing == NULL)
			continue;
		ereport(NOTICE,
				(errmsg("dropping relorm relation \"%s\" because relation \"%s\" it follows was dropped",
						TextDatumGetCString(values[Anum_catalog_name - 1]), missing)));
		catalog_delete(row);
		changed = true;
	}
	if (changed)
		catalog_changed();
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
	int			i;
	List	   *rows;
	ListCell   *lc;
	bool		changed = false;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "relorm_sql_drop_trigger: not fired by event trigger manager");

	/* the catalog itself may be among the dropped objects */
	relorm_metadata_invalidate_all();
	relorm_catalog_forget();
	catalog_relid = relorm_catalog_relid(true);
	if (!OidIsValid(catalog_relid))
		PG_RETURN_NULL();

	rows = exec_text_rows(deparse_dropped_tables());
	ndropped = list_length(rows);
	dropped = palloc(sizeof(DroppedObject) * (ndropped + 1));
	i = 0;
	foreach(lc, rows)
	{
		char	  **row = lfirst(lc);

		dropped[i].relid = atooid(row[0]);
		dropped[i].attnum = atoi(row[1]);
		dropped[i].identity = row[2] ? row[2] : "?";
		if (dropped[i].relid == catalog_relid)
			PG_RETURN_NULL();
		i++;
	}
	if (ndropped == 0)
		PG_RETURN_NULL();

	foreach(lc, catalog_rows())
	{
		CatalogRow *crow = lfirst(lc);
		Datum	   *values = crow->values;
		bool	   *nulls = crow->nulls;
		DroppedObject *match;

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
		drop_accessor(crow);
		catalog_delete(crow);
		changed = true;
	}
	if (changed)
	{
		catalog_changed();
		forget_orphan_through_relations();
	}
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
	ListCell   *lc;
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

	foreach(lc, catalog_rows())
	{
		CatalogRow *row = lfirst(lc);
		Datum	   *values = row->values;
		bool	   *nulls = row->nulls;
		Jsonb	   *options;

		if (DatumGetObjectId(values[Anum_catalog_source - 1]) != relid &&
			DatumGetObjectId(values[Anum_catalog_target - 1]) != relid &&
			(nulls[Anum_catalog_junction - 1] ||
			 DatumGetObjectId(values[Anum_catalog_junction - 1]) != relid))
			continue;
		options = rename_in_options(DatumGetJsonbP(values[Anum_catalog_options - 1]),
									stmt->subname, stmt->newname,
									DatumGetObjectId(values[Anum_catalog_target - 1]) == relid,
									!nulls[Anum_catalog_junction - 1] &&
									DatumGetObjectId(values[Anum_catalog_junction - 1]) == relid);
		/* rows that name none of the renamed columns stay as they are */
		changed |= catalog_refresh(row, options);
	}
	if (changed)
		catalog_changed();
	PG_RETURN_NULL();
}
