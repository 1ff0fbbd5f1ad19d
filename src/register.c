/*-------------------------------------------------------------------------
 *
 * register.c
 *	  Registering and dropping relations (SPEC §2): relorm_belongs_to,
 *	  relorm_has_one, relorm_has_many, relorm_many_to_many,
 *	  relorm_drop_relation, and the sql_drop event trigger that forgets the
 *	  relations of dropped tables and columns.
 *
 * Omitted columns are inferred by infer.c; the row is stored by catalog.c.
 *
 * Only the owner of the source table (and of the target, for an inverse
 * relation) may register or drop.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "commands/event_trigger.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "deparse.h"
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

	if (catalog_read(source, name) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("relation \"%s\" of table \"%s\" already exists",
						name, get_rel_name(source)),
				 errhint("Drop it first with relorm_drop_relation.")));
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
start_registration(FunctionCallInfo fcinfo, CatalogEntry *r, RelationKind kind)
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
	CatalogEntry r;

	start_registration(fcinfo, &r, kind);
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

	start_registration(fcinfo, &r, RELORM_MANY_TO_MANY);
	r.junction = PG_ARGISNULL(3) ? infer_junction(r.source, r.target, r.name)
		: PG_GETARG_OID(3);
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
	source = PG_GETARG_OID(0);
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	check_owner(source);

	row = catalog_read(source, name);
	if (row == NULL)
		relorm_relation_not_found(source, name);
	inverse = options_inverse(DatumGetJsonbP(row->values[Anum_catalog_options - 1]));
	if (inverse != NULL)
		forget_inverse(DatumGetObjectId(row->values[Anum_catalog_target - 1]), inverse, name);
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
		catalog_delete(crow);
		changed = true;
	}
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
