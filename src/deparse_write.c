/*-------------------------------------------------------------------------
 *
 * deparse_write.c
 *	  The statements of the writes (SPEC §6), printed through deparse.h:
 *	  names quoted, tables schema-qualified, operators OPERATOR(schema.op)
 *	  with COLLATE where collations differ, every value a typed parameter.
 *
 * Rows travel as ONE array parameter per column, unnested in the
 * statement (ROWS FROM (pg_catalog.unnest($1::int4[]), ...)): each value
 * keeps its column's exact type (the parser read it with the column's
 * input function and typmod), and the statement text depends only on
 * which columns a level gives, never on how many rows it holds, so a
 * level of 10,000 rows runs the same prepared statement as a level of one.
 *
 * Matching generated keys to input rows: relorm never relies on the order
 * in which INSERT ... RETURNING returns rows (PostgreSQL promises none).
 * Keys are produced BEFORE inserting (build_keygen: nextval of an identity
 * column's sequence, else the column's DEFAULT expression, once per row
 * that lacks a key), assigned to the input rows in C by position (the
 * values are fresh and interchangeable, so any assignment is correct),
 * and inserted as ordinary values.  Every later statement then knows each
 * row's key from its input position.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "rewrite/rewriteHandler.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"

#include "deparse_query.h"
#include "deparse_write.h"

/* ---- value sets ---- */

/* valueset_new: an empty set of n rows. */
ValueSet *
valueset_new(int n)
{
	ValueSet   *set = palloc0(sizeof(ValueSet));

	set->n = n;
	return set;
}

/* valueset_add: a column of the set (values to fill, all null). */
ValueColumn *
valueset_add(ValueSet *set, const char *name, Oid type, Oid collation)
{
	ValueColumn *c = palloc0(sizeof(ValueColumn));
	int			i;

	c->name = pstrdup(name);
	c->type = type;
	c->collation = collation;
	c->values = palloc0(sizeof(Datum) * Max(set->n, 1));
	c->nulls = palloc(sizeof(bool) * Max(set->n, 1));
	for (i = 0; i < set->n; i++)
		c->nulls[i] = true;
	set->cols = lappend(set->cols, c);
	return c;
}

/*
 * carried_type: the type a column's values travel as in an array
 * parameter: their own, or text for a type without an array type (a
 * column that is itself an array), cast back in the statement.
 */
static Oid
carried_type(Oid type)
{
	return OidIsValid(get_array_type(type)) ? type : TEXTOID;
}

/* carry: a value as carried_type carries it. */
static Datum
carry(Oid type, Datum value, bool isnull)
{
	Oid			outfunc;
	bool		isvarlena;

	if (isnull || carried_type(type) == type)
		return value;
	getTypeOutputInfo(type, &outfunc, &isvarlena);
	return CStringGetTextDatum(OidOutputFunctionCall(outfunc, value));
}

/* carried_sql: "expr", or "(expr)::type" when the values travel as text. */
static char *
carried_sql(Oid type, const char *expr)
{
	if (carried_type(type) == type)
		return pstrdup(expr);
	return psprintf("(%s)::%s", expr, deparse_type(type));
}

/* array_param: "$n::type[]" of an array parameter holding n values. */
static char *
array_param(SqlBuf *buf, Oid type, const Datum *values, const bool *nulls, int n)
{
	Oid			arraytype = get_array_type(type);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1];
	ArrayType  *array;

	if (!OidIsValid(arraytype))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("type %s has no array type", format_type_be(type))));
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	dims[0] = n;
	lbs[0] = 1;
	array = construct_md_array((Datum *) values, (bool *) nulls, 1, dims, lbs, type,
							   typlen, typbyval, typalign);
	return deparse_value(buf, arraytype, PointerGetDatum(array), false);
}

/*
 * unnest_sql: the rows of a value set as a FROM item:
 *	ROWS FROM (pg_catalog.unnest($1::int4[]), ...) [WITH ORDINALITY] v(c1, .., o)
 */
static char *
unnest_sql(SqlBuf *buf, ValueSet *set, const char *alias, bool ordinality)
{
	StringInfoData s;
	StringInfoData names;
	ListCell   *lc;
	int			i = 0;

	initStringInfo(&s);
	initStringInfo(&names);
	appendStringInfoString(&s, "ROWS FROM (");
	foreach(lc, set->cols)
	{
		ValueColumn *c = lfirst(lc);

		appendStringInfo(&s, "%spg_catalog.unnest(%s)", i ? ", " : "",
						 array_param(buf, c->type, c->values, c->nulls, set->n));
		appendStringInfo(&names, "%sc%d", i ? ", " : "", i + 1);
		i++;
	}
	appendStringInfo(&s, ")%s %s(%s%s)", ordinality ? " WITH ORDINALITY" : "", alias,
					 names.data, ordinality ? ", o" : "");
	return s.data;
}

/*
 * set_columns: the set's columns as two ColumnSets, for deparse_columns_eq:
 * the table's (by name) and the unnested values' (c1, c2, ...).
 */
static void
set_columns(ValueSet *set, ColumnSet *table, ColumnSet *values)
{
	ListCell   *lc;
	int			i = 0;

	memset(table, 0, sizeof(ColumnSet));
	memset(values, 0, sizeof(ColumnSet));
	foreach(lc, set->cols)
	{
		ValueColumn *c = lfirst(lc);

		if (i >= RELORM_MAX_KEY_COLUMNS)
			elog(ERROR, "too many key columns");
		table->names[i] = c->name;
		table->types[i] = c->type;
		table->collations[i] = c->collation;
		values->names[i] = psprintf("c%d", i + 1);
		values->types[i] = c->type;
		values->collations[i] = c->collation;
		i++;
	}
	table->ncols = values->ncols = i;
}

/*
 * in_values: the row aliased `alias` has columns equal to one row of set:
 *	EXISTS (SELECT FROM ROWS FROM (pg_catalog.unnest($1::int4[])) v(c1)
 *			WHERE a."id" OPERATOR(pg_catalog.=) v.c1)
 */
static char *
in_values(SqlBuf *buf, const char *alias, ValueSet *set)
{
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *v = deparse_alias(buf, 'v');
	char	   *from = unnest_sql(buf, set, v, false);

	set_columns(set, &tcols, &vcols);
	return psprintf("EXISTS (SELECT FROM %s WHERE %s)", from,
					deparse_columns_eq(alias, &tcols, v, &vcols));
}

/* column_list: "a", "b" quoted, for INSERT and RETURNING. */
static char *
column_list(const char *alias, List *names)
{
	StringInfoData s;
	ListCell   *lc;

	initStringInfo(&s);
	foreach(lc, names)
		appendStringInfo(&s, "%s%s", s.len ? ", " : "",
						 alias ? deparse_column(alias, lfirst(lc))
						 : quote_identifier(lfirst(lc)));
	return s.data;
}

/*
 * column_default: the SQL of a column's default, as INSERT would compute
 * it: nextval of an identity column's sequence (a parameter), else the
 * stored DEFAULT expression as PostgreSQL prints it, else NULL.
 */
static char *
column_default(SqlBuf *buf, Relation rel, WriteColumn *col)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), col->attnum - 1);
	Node	   *expr;
	OverrideSearchPath *path;
	char	   *volatile text = NULL;

	if (att->attidentity)
		return psprintf("pg_catalog.nextval(%s)",
						deparse_value(buf, REGCLASSOID,
									  ObjectIdGetDatum(getIdentitySequence(RelationGetRelid(rel),
																		   col->attnum, false)),
									  false));
	expr = build_column_default(rel, col->attnum);
	if (expr == NULL)
		return NULL;
	/*
	 * Printed with only pg_catalog in the search path, so that every name
	 * in it (a sequence's regclass literal, a function) is schema-qualified:
	 * the text must mean the same under any caller's search_path, since
	 * plans are kept per text.
	 */
	path = GetOverrideSearchPath(CurrentMemoryContext);
	path->schemas = NIL;
	path->addCatalog = true;
	path->addTemp = false;
	PushOverrideSearchPath(path);
	PG_TRY();
	{
		text = deparse_expression(expr, NIL, false, false);
	}
	PG_FINALLY();
	{
		PopOverrideSearchPath();
	}
	PG_END_TRY();
	return psprintf("(%s)::%s", text, deparse_type(col->type));
}

/*
 * build_keygen: keys for n rows that lack them, one value per column of
 * `columns` (WriteColumn * of key columns) and row; false when a column
 * has no default to generate from:
 *
 *	SELECT pg_catalog.nextval($2::pg_catalog.regclass), (<default>)::type
 *	FROM pg_catalog.generate_series(1, $1::pg_catalog.int4)
 *
 * Which generated row goes to which input row does not matter (see the
 * top of this file); write_ops.c assigns them by position.
 */
bool
build_keygen(SqlBuf *buf, WriteLevel *level, List *columns, int n)
{
	Relation	rel = table_open(level->relid, AccessShareLock);
	char	   *count = deparse_value(buf, INT4OID, Int32GetDatum(n), false);
	StringInfoData s;
	ListCell   *lc;
	bool		ok = true;

	initStringInfo(&s);
	foreach(lc, columns)
	{
		char	   *def = column_default(buf, rel, lfirst(lc));

		if (def == NULL)
			ok = false;
		appendStringInfo(&s, "%s%s", s.len ? ", " : "", def ? def : "NULL");
	}
	table_close(rel, AccessShareLock);
	appendStringInfo(&buf->sql, "SELECT %s FROM pg_catalog.generate_series(1, %s)", s.data,
					 count);
	return ok;
}

/*
 * build_insert: the rows `rows` (n indexes) of a level, every column some
 * row gives; a row that does not give a column gets its default:
 *
 *	INSERT INTO s.t ("id", "name", "note") [OVERRIDING SYSTEM VALUE]
 *	SELECT u.c1, u.c2, CASE WHEN u.c4 THEN u.c3 ELSE (<default>) END
 *	FROM ROWS FROM (pg_catalog.unnest($1::int4[]), pg_catalog.unnest($2::text[]),
 *	                pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::bool[])) u(c1, c2, c3, c4)
 *
 * connect_or_create levels insert ON CONFLICT DO NOTHING and return the
 * positions (1-based, in `rows`) of the rows NOT inserted, by their keys
 * (which were produced before: see the top of this file):
 *
 *	WITH ins AS (INSERT ... ON CONFLICT DO NOTHING RETURNING "id")
 *	SELECT k.o FROM ROWS FROM (pg_catalog.unnest($1::int4[])) WITH ORDINALITY k(c1, o)
 *	WHERE NOT EXISTS (SELECT FROM ins WHERE ins."id" OPERATOR(pg_catalog.=) k.c1)
 */
void
build_insert(SqlBuf *buf, WriteLevel *level, const int *rows, int n)
{
	Relation	rel = table_open(level->relid, AccessShareLock);
	ValueSet   *set = valueset_new(n);
	ValueSet   *keys = valueset_new(n);
	List	   *names = NIL;
	List	   *exprs = NIL;
	bool		overriding = false;
	ListCell   *lc;
	char	   *from;
	char	   *u = deparse_alias(buf, 'u');
	int			ncol = 0;
	int			i;
	char	   *insert;

	foreach(lc, level->columns)
	{
		WriteColumn *col = lfirst(lc);
		ValueColumn *vc = valueset_add(set, col->name, carried_type(col->type), InvalidOid);
		bool		all = true;
		bool		any = false;
		int			k;

		for (i = 0; i < n; i++)
		{
			vc->values[i] = carry(col->type, col->values[rows[i]], col->nulls[rows[i]]);
			vc->nulls[i] = col->nulls[rows[i]];
			all &= col->given[rows[i]];
			any |= col->given[rows[i]];
		}
		if (!any)
		{
			set->cols = list_delete_last(set->cols);
			continue;
		}
		ncol++;
		for (k = 0; k < level->key.ncols; k++)
			if (strcmp(level->key.names[k], col->name) == 0)
			{
				ValueColumn *kc = valueset_add(keys, col->name, col->type,
											   level->key.collations[k]);

				memcpy(kc->values, vc->values, sizeof(Datum) * n);
				memcpy(kc->nulls, vc->nulls, sizeof(bool) * n);
			}
		names = lappend(names, col->name);
		overriding |= col->identity_always;
		if (all)
			exprs = lappend(exprs, carried_sql(col->type, psprintf("%s.c%d", u, ncol)));
		else
		{
			ValueColumn *gc = valueset_add(set, "", BOOLOID, InvalidOid);
			char	   *def = column_default(buf, rel, col);

			for (i = 0; i < n; i++)
			{
				gc->values[i] = BoolGetDatum(col->given[rows[i]]);
				gc->nulls[i] = false;
			}
			ncol++;
			exprs = lappend(exprs, psprintf("CASE WHEN %s.c%d THEN %s ELSE %s END",
											u, ncol,
											carried_sql(col->type, psprintf("%s.c%d", u, ncol - 1)),
											def ? def : "NULL"));
		}
	}
	table_close(rel, AccessShareLock);

	if (names == NIL)
	{
		/* no column given: every column takes its default */
		appendStringInfo(&buf->sql,
						 "INSERT INTO %s SELECT FROM pg_catalog.generate_series(1, %s)",
						 level->qualified, deparse_value(buf, INT4OID, Int32GetDatum(n), false));
		return;
	}
	from = unnest_sql(buf, set, u, false);
	{
		StringInfoData sel;

		initStringInfo(&sel);
		foreach(lc, exprs)
			appendStringInfo(&sel, "%s%s", sel.len ? ", " : "", (char *) lfirst(lc));
		insert = psprintf("INSERT INTO %s (%s)%s SELECT %s FROM %s", level->qualified,
						  column_list(NULL, names),
						  overriding ? " OVERRIDING SYSTEM VALUE" : "", sel.data, from);
	}
	if (!level->on_conflict)
	{
		appendStringInfoString(&buf->sql, insert);
		return;
	}
	{
		ColumnSet	tcols;
		ColumnSet	vcols;
		char	   *k = deparse_alias(buf, 'k');
		char	   *kfrom;
		List	   *knames = NIL;

		if (list_length(keys->cols) != level->key.ncols || level->key.ncols == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("connect_or_create needs the key of the rows of table \"%s\" it creates",
							level->name),
					 errhint("Give the key columns a default, or give them in create.")));
		foreach(lc, keys->cols)
			knames = lappend(knames, ((ValueColumn *) lfirst(lc))->name);
		kfrom = unnest_sql(buf, keys, k, true);
		set_columns(keys, &tcols, &vcols);
		appendStringInfo(&buf->sql,
						 "WITH ins AS (%s ON CONFLICT DO NOTHING RETURNING %s) SELECT %s.o FROM %s WHERE NOT EXISTS (SELECT FROM ins WHERE %s)",
						 insert, column_list(NULL, knames), k, kfrom,
						 deparse_columns_eq("ins", &tcols, k, &vcols));
	}
}

/*
 * simple_filter: a filter that is only col = value items, none null (the
 * usual {"name": "x"} or {"id": 3}); its columns' names (in the filter's
 * order) go to *cols.
 */
static bool
simple_filter(QueryFilter *f, List **cols)
{
	ListCell   *lc;

	*cols = NIL;
	if (f->kind != FILTER_ALL || f->items == NIL)
		return false;
	foreach(lc, f->items)
	{
		QueryFilter *item = lfirst(lc);

		if (item->kind != FILTER_COMPARE || item->op != CMP_EQ ||
			item->operand.column == NULL || item->value == NULL || item->value->isnull)
			return false;
		*cols = lappend(*cols, item->operand.column);
	}
	return true;
}

/* same_columns: two lists of QueryColumn name the same columns in order. */
static bool
same_columns(List *a, List *b)
{
	ListCell   *la;
	ListCell   *lb;

	if (list_length(a) != list_length(b))
		return false;
	forboth(la, a, lb, b)
		if (((QueryColumn *) lfirst(la))->attnum != ((QueryColumn *) lfirst(lb))->attnum)
			return false;
	return true;
}

/*
 * build_match: the rows each filter names, with its position (0-based) in
 * `filters` (WriteFilter *), ONE statement for all the filters of a
 * relation key of a level.  When every filter is col = value on the same
 * columns, the values travel as arrays, so the statement is the same for
 * any number of filters:
 *
 *	SELECT v.c1, w0."id" FROM ROWS FROM (pg_catalog.unnest($1::int4[]),
 *	       pg_catalog.unnest($2::text[])) v(c1, c2)
 *	JOIN s.t w0 ON w0."name" OPERATOR(pg_catalog.=) v.c2
 *
 * otherwise one arm per filter:
 *
 *	SELECT 0, t1."id", t1."x" FROM s.t t1 WHERE <filter 0>
 *	UNION ALL SELECT 1, t2."id", t2."x" FROM s.t t2 WHERE <filter 1> ...
 */
void
build_match(SqlBuf *buf, Oid relid, List *filters, List *names)
{
	ListCell   *lc;
	char	   *table = deparse_table(relid);
	List	   *first = NIL;
	bool		simple = true;
	int			i = 0;

	foreach(lc, filters)
	{
		WriteFilter *f = lfirst(lc);
		List	   *cols;

		if (!simple_filter(f->filter, &cols) || (first != NIL && !same_columns(first, cols)))
		{
			simple = false;
			break;
		}
		if (first == NIL)
			first = cols;
	}
	if (simple && filters != NIL)
	{
		int			n = list_length(filters);
		ValueSet   *set = valueset_new(n);
		ValueColumn *ord = valueset_add(set, "", INT4OID, InvalidOid);
		char	   *v = deparse_alias(buf, 'v');
		char	   *a = deparse_alias(buf, 'w');
		StringInfoData on;
		ListCell   *cc;
		int			c = 0;

		foreach(cc, first)
		{
			QueryColumn *col = lfirst(cc);

			valueset_add(set, col->name, ((QueryFilter *) list_nth(((WriteFilter *) linitial(filters))->filter->items, c))->value->type,
						 InvalidOid);
			c++;
		}
		i = 0;
		foreach(lc, filters)
		{
			WriteFilter *f = lfirst(lc);
			ListCell   *ic;
			int			k = 1;

			ord->values[i] = Int32GetDatum(i);
			ord->nulls[i] = false;
			foreach(ic, f->filter->items)
			{
				ValueColumn *vc = list_nth(set->cols, k++);
				QueryValue *val = ((QueryFilter *) lfirst(ic))->value;

				vc->values[i] = val->value;
				vc->nulls[i] = false;
			}
			i++;
		}
		initStringInfo(&on);
		c = 2;
		foreach(cc, first)
		{
			QueryColumn *col = lfirst(cc);
			ValueColumn *vc = list_nth(set->cols, c - 1);

			appendStringInfo(&on, "%s%s %s %s.c%d", on.len ? " AND " : "",
							 deparse_column(a, col->name),
							 deparse_operator(col->type, vc->type, BTEqualStrategyNumber),
							 v, c);
			c++;
		}
		appendStringInfo(&buf->sql, "SELECT %s.c1, %s FROM %s JOIN %s %s ON %s", v,
						 column_list(a, names), unnest_sql(buf, set, v, false), table, a,
						 on.data);
		return;
	}
	i = 0;
	foreach(lc, filters)
	{
		WriteFilter *f = lfirst(lc);
		char	   *cond = deparse_filter_on(buf, f->table, f->filter, NULL);

		appendStringInfo(&buf->sql, "%sSELECT %d, %s FROM %s %s WHERE %s",
						 i ? " UNION ALL " : "", i, column_list(f->table->alias, names),
						 table, f->table->alias, cond);
		i++;
	}
}

/*
 * rows_condition: the WHERE of a RowsTarget over the row aliased `a`:
 *	owners, direct:   EXISTS (SELECT FROM ROWS FROM (...) v(c1) WHERE a.fk = v.c1)
 *	owners, junction: EXISTS (SELECT FROM s.junction j JOIN ROWS FROM (...) v(c1)
 *	                  ON j.js = v.c1 WHERE j.jt = a.tc)
 *	keys:             [NOT] EXISTS (SELECT FROM ROWS FROM (...) v(..) WHERE a.k = v.c1)
 *	where, filters:   <where> AND (<filter 1> OR <filter 2> ...)
 */
static char *
rows_condition(SqlBuf *buf, RowsTarget *t, const char *a)
{
	List	   *parts = NIL;
	StringInfoData s;
	ListCell   *lc;

	if (t->rel != NULL)
	{
		RelationInfo *rel = t->rel;
		ColumnSet	tcols;
		ColumnSet	vcols;
		char	   *v = deparse_alias(buf, 'v');
		char	   *from = unnest_sql(buf, t->owners, v, false);

		set_columns(t->owners, &tcols, &vcols);
		if (rel->kind == RELORM_MANY_TO_MANY)
		{
			char	   *j = deparse_alias(buf, 'j');

			parts = lappend(parts,
							psprintf("EXISTS (SELECT FROM %s %s JOIN %s ON %s WHERE %s)",
									 rel->junction.qualified, j, from,
									 deparse_columns_eq(j, &rel->junction_source_cols, v, &vcols),
									 deparse_columns_eq(j, &rel->junction_target_cols, a,
														&rel->target_cols)));
		}
		else
			parts = lappend(parts, psprintf("EXISTS (SELECT FROM %s WHERE %s)", from,
											deparse_columns_eq(a, &rel->target_cols, v, &vcols)));
	}
	if (t->keys != NULL)
		parts = lappend(parts, psprintf("%s%s", t->not_keys ? "NOT " : "",
										in_values(buf, a, t->keys)));
	if (t->where != NULL)
		parts = lappend(parts, deparse_filter_on(buf, t->where_table, t->where, a));
	if (t->any_filter)
	{
		List	   *ors = NIL;

		foreach(lc, t->filters)
		{
			WriteFilter *f = lfirst(lc);

			ors = lappend(ors, psprintf("(%s)", deparse_filter_on(buf, f->table, f->filter, a)));
		}
		if (ors == NIL)
			parts = lappend(parts, "false");
		else
		{
			initStringInfo(&s);
			foreach(lc, ors)
				appendStringInfo(&s, "%s%s", s.len ? " OR " : "", (char *) lfirst(lc));
			parts = lappend(parts, psprintf("(%s)", s.data));
		}
	}
	if (parts == NIL)
		return "true";
	initStringInfo(&s);
	foreach(lc, parts)
		appendStringInfo(&s, "%s%s", s.len ? " AND " : "", (char *) lfirst(lc));
	return s.data;
}

/*
 * build_rows_select: columns `names` of the rows of a RowsTarget, locked
 * FOR UPDATE when `lock` (rows about to be changed):
 *	SELECT a."id", a."fk" FROM s.t a WHERE <rows_condition> [FOR UPDATE]
 */
void
build_rows_select(SqlBuf *buf, RowsTarget *t, List *names, bool lock)
{
	char	   *a = deparse_alias(buf, 'w');
	char	   *cond = rows_condition(buf, t, a);

	appendStringInfo(&buf->sql, "SELECT %s FROM %s %s WHERE %s%s",
					 names ? column_list(a, names) : "true", deparse_table(t->relid), a, cond,
					 lock ? " FOR UPDATE" : "");
}

/*
 * build_rows_update: set the given columns of row 0 of `values` (and
 * null_columns to NULL) in the rows of a RowsTarget, returning `names`:
 *	UPDATE s.t a SET "name" = $1::text, "fk" = NULL
 *	WHERE <rows_condition> RETURNING a."id", ...
 */
void
build_rows_update(SqlBuf *buf, RowsTarget *t, WriteLevel *values, List *null_columns,
				  List *names)
{
	char	   *a = deparse_alias(buf, 'w');
	StringInfoData set;
	ListCell   *lc;
	char	   *cond;

	initStringInfo(&set);
	if (values != NULL)
		foreach(lc, values->columns)
		{
			WriteColumn *col = lfirst(lc);

			if (!col->given[0])
				continue;
			appendStringInfo(&set, "%s%s = %s", set.len ? ", " : "", quote_identifier(col->name),
							 deparse_value(buf, col->type, col->values[0], col->nulls[0]));
		}
	foreach(lc, null_columns)
		appendStringInfo(&set, "%s%s = NULL", set.len ? ", " : "",
						 quote_identifier(lfirst(lc)));
	cond = rows_condition(buf, t, a);
	appendStringInfo(&buf->sql, "UPDATE %s %s SET %s WHERE %s", deparse_table(t->relid), a,
					 set.data, cond);
	if (names)
		appendStringInfo(&buf->sql, " RETURNING %s", column_list(a, names));
}

/*
 * build_rows_delete: delete the rows of a RowsTarget, returning `names`:
 *	DELETE FROM s.t a WHERE <rows_condition> RETURNING a."id"
 */
void
build_rows_delete(SqlBuf *buf, RowsTarget *t, List *names)
{
	char	   *a = deparse_alias(buf, 'w');
	char	   *cond = rows_condition(buf, t, a);

	appendStringInfo(&buf->sql, "DELETE FROM %s %s WHERE %s", deparse_table(t->relid), a, cond);
	if (names)
		appendStringInfo(&buf->sql, " RETURNING %s", column_list(a, names));
}

/*
 * build_link_update: point rows (by `keys`) at their owners: row i of
 * `values` gives the new values of the foreign-key columns of the row
 * keys names in row i:
 *	UPDATE s.t a SET "fk" = v.c2
 *	FROM ROWS FROM (pg_catalog.unnest($1::int4[]), pg_catalog.unnest($2::int4[])) v(c1, c2)
 *	WHERE a."id" OPERATOR(pg_catalog.=) v.c1
 */
void
build_link_update(SqlBuf *buf, Oid relid, ValueSet *keys, ValueSet *values)
{
	ValueSet   *all = valueset_new(keys->n);
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *a = deparse_alias(buf, 'w');
	char	   *v = deparse_alias(buf, 'v');
	StringInfoData set;
	ListCell   *lc;
	int			i;

	all->cols = list_concat(list_copy(keys->cols), values->cols);
	initStringInfo(&set);
	i = list_length(keys->cols);
	foreach(lc, values->cols)
	{
		ValueColumn *c = lfirst(lc);

		appendStringInfo(&set, "%s%s = %s.c%d", set.len ? ", " : "", quote_identifier(c->name),
						 v, ++i);
	}
	appendStringInfo(&buf->sql, "UPDATE %s %s SET %s FROM %s", deparse_table(relid), a,
					 set.data, unnest_sql(buf, all, v, false));
	set_columns(keys, &tcols, &vcols);
	appendStringInfo(&buf->sql, " WHERE %s", deparse_columns_eq(a, &tcols, v, &vcols));
}

/*
 * build_junction_insert: link pairs (columns: the junction's source
 * columns, then its target columns); a pair linked already is skipped:
 *	INSERT INTO s.junction ("js", "jt") SELECT DISTINCT v.c1, v.c2
 *	FROM ROWS FROM (...) v(c1, c2) ON CONFLICT DO NOTHING     (unique pair)
 *	... WHERE NOT EXISTS (SELECT FROM s.junction x WHERE x.js = v.c1 AND ...)
 */
void
build_junction_insert(SqlBuf *buf, RelationInfo *rel, ValueSet *pairs)
{
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *v = deparse_alias(buf, 'v');
	char	   *from = unnest_sql(buf, pairs, v, false);
	List	   *names = NIL;
	StringInfoData sel;
	ListCell   *lc;
	int			i = 0;

	initStringInfo(&sel);
	foreach(lc, pairs->cols)
	{
		names = lappend(names, ((ValueColumn *) lfirst(lc))->name);
		appendStringInfo(&sel, "%s%s.c%d", i ? ", " : "", v, i + 1);
		i++;
	}
	appendStringInfo(&buf->sql, "INSERT INTO %s (%s) SELECT DISTINCT %s FROM %s",
					 rel->junction.qualified, column_list(NULL, names), sel.data, from);
	if (rel->pair_unique)
		appendStringInfoString(&buf->sql, " ON CONFLICT DO NOTHING");
	else
	{
		char	   *x = deparse_alias(buf, 'x');

		set_columns(pairs, &tcols, &vcols);
		appendStringInfo(&buf->sql, " WHERE NOT EXISTS (SELECT FROM %s %s WHERE %s)",
						 rel->junction.qualified, x, deparse_columns_eq(x, &tcols, v, &vcols));
	}
}

/*
 * build_junction_delete: unlink the owners (values of the junction's
 * source columns) from the targets (values of its target columns; NULL:
 * all), or, with not_targets, from every target but those:
 *	DELETE FROM s.junction x WHERE EXISTS (... x.js = v.c1)
 *	[AND [NOT] EXISTS (... x.jt = v.c1)]
 */
void
build_junction_delete(SqlBuf *buf, RelationInfo *rel, ValueSet *owners, ValueSet *targets,
					  bool not_targets)
{
	char	   *x = deparse_alias(buf, 'x');
	List	   *parts = NIL;
	StringInfoData s;
	ListCell   *lc;

	if (owners != NULL)
		parts = lappend(parts, in_values(buf, x, owners));
	if (targets != NULL)
		parts = lappend(parts, psprintf("%s%s", not_targets ? "NOT " : "",
										in_values(buf, x, targets)));
	initStringInfo(&s);
	foreach(lc, parts)
		appendStringInfo(&s, "%s%s", s.len ? " AND " : "", (char *) lfirst(lc));
	appendStringInfo(&buf->sql, "DELETE FROM %s %s WHERE %s", rel->junction.qualified, x,
					 s.len ? s.data : "true");
}

/*
 * build_result_rows: the rows of a table by key, in the order of `keys`
 * (what relorm_create returns):
 *	SELECT pg_catalog.row_to_json(a.*) FROM ROWS FROM (...) WITH ORDINALITY k(c1, o)
 *	JOIN s.t a ON a."id" OPERATOR(pg_catalog.=) k.c1 ORDER BY k.o
 */
void
build_result_rows(SqlBuf *buf, Oid relid, ValueSet *keys)
{
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *a = deparse_alias(buf, 'w');
	char	   *k = deparse_alias(buf, 'k');
	char	   *from = unnest_sql(buf, keys, k, true);

	set_columns(keys, &tcols, &vcols);
	appendStringInfo(&buf->sql,
					 "SELECT pg_catalog.row_to_json(%s.*) FROM %s JOIN %s %s ON %s ORDER BY %s.o",
					 a, from, deparse_table(relid), a,
					 deparse_columns_eq(a, &tcols, k, &vcols), k);
}

/*
 * build_existing: which of the keys name an existing row: their positions
 * (1-based) in `keys`:
 *	SELECT k.o FROM ROWS FROM (pg_catalog.unnest($1::int4[])) WITH ORDINALITY k(c1, o)
 *	WHERE EXISTS (SELECT FROM s.t a WHERE a."id" OPERATOR(pg_catalog.=) k.c1)
 */
void
build_existing(SqlBuf *buf, Oid relid, ValueSet *keys)
{
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *k = deparse_alias(buf, 'k');
	char	   *a = deparse_alias(buf, 'w');
	char	   *from = unnest_sql(buf, keys, k, true);

	set_columns(keys, &tcols, &vcols);
	appendStringInfo(&buf->sql,
					 "SELECT %s.o FROM %s WHERE EXISTS (SELECT FROM %s %s WHERE %s)",
					 k, from, deparse_table(relid), a,
					 deparse_columns_eq(a, &tcols, k, &vcols));
}

/*
 * build_existing_columns: columns of the existing rows the keys name, with
 * each key's position (1-based) in `keys`:
 *	SELECT k.o, a."name" FROM ROWS FROM (pg_catalog.unnest($1::int4[]))
 *	WITH ORDINALITY k(c1, o) JOIN s.t a ON a."id" OPERATOR(pg_catalog.=) k.c1
 */
void
build_existing_columns(SqlBuf *buf, Oid relid, ValueSet *keys, const ColumnSet *cols)
{
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *k = deparse_alias(buf, 'k');
	char	   *a = deparse_alias(buf, 'w');
	char	   *from = unnest_sql(buf, keys, k, true);
	int			c;

	set_columns(keys, &tcols, &vcols);
	appendStringInfo(&buf->sql, "SELECT %s.o", k);
	for (c = 0; c < cols->ncols; c++)
		appendStringInfo(&buf->sql, ", %s", deparse_column(a, cols->names[c]));
	appendStringInfo(&buf->sql, " FROM %s JOIN %s %s ON %s", from, deparse_table(relid), a,
					 deparse_columns_eq(a, &tcols, k, &vcols));
}

/*
 * build_update_values: update rows of a level by key, each with its own
 * values; a row that does not give a column keeps its value.  false when
 * no row gives a column besides the key:
 *	UPDATE s.t a SET "name" = CASE WHEN v.c3 THEN v.c2 ELSE a."name" END
 *	FROM ROWS FROM (pg_catalog.unnest($1::int4[]), pg_catalog.unnest($2::text[]),
 *	                pg_catalog.unnest($3::bool[])) v(c1, c2, c3)
 *	WHERE a."id" OPERATOR(pg_catalog.=) v.c1
 */
bool
build_update_values(SqlBuf *buf, WriteLevel *level, const int *rows, int n)
{
	ValueSet   *keys = valueset_new(n);
	ValueSet   *all = valueset_new(n);
	StringInfoData set;
	ColumnSet	tcols;
	ColumnSet	vcols;
	char	   *a = deparse_alias(buf, 'w');
	char	   *v = deparse_alias(buf, 'v');
	ListCell   *lc;
	int			ncol;
	int			c;
	int			i;

	for (c = 0; c < level->key.ncols; c++)
	{
		WriteColumn *col = write_level_column(level, level->key.names[c], false);
		ValueColumn *vc = valueset_add(keys, col->name, col->type, level->key.collations[c]);

		for (i = 0; i < n; i++)
		{
			vc->values[i] = col->values[rows[i]];
			vc->nulls[i] = col->nulls[rows[i]];
		}
	}
	all->cols = list_copy(keys->cols);
	ncol = list_length(keys->cols);
	initStringInfo(&set);
	foreach(lc, level->columns)
	{
		WriteColumn *col = lfirst(lc);
		ValueColumn *vc;
		ValueColumn *gc;
		bool		iskey = false;
		bool		any = false;

		for (c = 0; c < level->key.ncols; c++)
			iskey |= strcmp(level->key.names[c], col->name) == 0;
		for (i = 0; i < n; i++)
			any |= col->given[rows[i]];
		if (iskey || !any)
			continue;
		vc = valueset_add(all, col->name, carried_type(col->type), InvalidOid);
		gc = valueset_add(all, "", BOOLOID, InvalidOid);
		for (i = 0; i < n; i++)
		{
			vc->values[i] = carry(col->type, col->values[rows[i]], col->nulls[rows[i]]);
			vc->nulls[i] = col->nulls[rows[i]];
			gc->values[i] = BoolGetDatum(col->given[rows[i]]);
			gc->nulls[i] = false;
		}
		appendStringInfo(&set, "%s%s = CASE WHEN %s.c%d THEN %s ELSE %s END",
						 set.len ? ", " : "", quote_identifier(col->name), v, ncol + 2,
						 carried_sql(col->type, psprintf("%s.c%d", v, ncol + 1)),
						 deparse_column(a, col->name));
		ncol += 2;
	}
	if (set.len == 0)
		return false;
	appendStringInfo(&buf->sql, "UPDATE %s %s SET %s FROM %s", level->qualified, a, set.data,
					 unnest_sql(buf, all, v, false));
	set_columns(keys, &tcols, &vcols);
	appendStringInfo(&buf->sql, " WHERE %s", deparse_columns_eq(a, &tcols, v, &vcols));
	return true;
}
