/*-------------------------------------------------------------------------
 *
 * query.c
 *	  The query half of the SQL builder: compiles a query object (SPEC §5:
 *	  select, where, order, limit, offset) into ONE SQL statement.
 *
 * The rules of sqlbuild.c hold here too: identifiers are checked against
 * the catalogs and quoted, tables schema-qualified, operators written
 * OPERATOR(schema.op) from the column types' btree families, functions
 * qualified, and every value from the query is a typed parameter, read by
 * the column type's input function (so a bad value is the type's own
 * error).  Nothing of the input reaches the SQL text but names that were
 * found in the catalogs.
 *
 * Shapes produced (a is the table's alias, r the row being built):
 *
 *	rows:	SELECT pg_catalog.row_to_json(r.*) FROM <from>
 *			CROSS JOIN LATERAL (SELECT <items of a>) r
 *			WHERE <conditions> ORDER BY <order>
 *	page:	with limit/offset, the page is cut before any document is built:
 *			SELECT ... FROM (SELECT a.*, <order exprs> AS relorm_oN FROM <from>
 *			WHERE ... ORDER BY ... LIMIT $n OFFSET $m) a
 *			CROSS JOIN LATERAL (SELECT <items>) r ORDER BY a.relorm_oN
 *	to-many, nested: (SELECT COALESCE(pg_catalog.json_agg(r.* ORDER BY ...),
 *			'[]') FROM <rows as above, correlated to the parent alias>)
 *	to-one, nested: (SELECT pg_catalog.row_to_json(r.*) FROM ... LIMIT 1)
 *	aggregates: (SELECT pg_catalog.count(*) FROM <related> WHERE ...), ...
 *	chain:	the path joined, one row per final primary key:
 *			(SELECT DISTINCT ON (z.id) z.*, <order exprs> FROM <path joins>
 *			 WHERE ... ORDER BY z.id, <order exprs>) z, then as "page"
 *
 * Every table gets its own alias (t0, t1, ...), so the same table may
 * appear at any depth; names in where/order resolve against the table of
 * their own level, "x.col" against earlier tables of a chain or a relation
 * of the current table.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "query.h"

/* the deepest a select may nest (each level is a subquery) */
#define MAX_QUERY_DEPTH 32

/* An aggregate selected at one level, usable in its where and order. */
typedef struct Aggregate
{
	char	   *alias;
	char	   *sql;
	Oid			type;			/* for comparing with parameters */
} Aggregate;

/* Scope: one table of the statement being built. */
typedef struct Scope
{
	Oid			relid;
	char	   *alias;			/* t0, t1, ... */
	const char *name;			/* relation name by which it was reached */
	struct Scope *earlier;		/* the previous table of a chain or join */
	List	   *aggregates;		/* Aggregate *, of this level's select */
	List	   *eager_path;		/* "relid:name" of eager relations above */
} Scope;

/* An ORDER BY item: an expression and its direction keywords. */
typedef struct OrderItem
{
	char	   *expr;
	const char *direction;
} OrderItem;

static char *compile_rows(QueryCompiler *qc, Scope *scope, const char *from,
						  List *conditions, JsonbContainer *query, const char *path,
						  RowsMode mode, int depth);
static char *compile_filter(QueryCompiler *qc, Scope *scope, JsonbContainer *filter,
							const char *path, int depth);
static char *compile_relation_item(QueryCompiler *qc, Scope *scope, RelationInfo *rel,
								   JsonbContainer *query, const char *path, int depth,
								   List **conditions);

/* ---- small helpers ---- */

/* new_alias: a fresh table alias. */
static char *
new_alias(QueryCompiler *qc, char prefix)
{
	return psprintf("%c%d", prefix, qc->next_alias++);
}

/* new_scope: a scope for a table. */
static Scope *
new_scope(QueryCompiler *qc, Oid relid, const char *name, Scope *earlier)
{
	Scope	   *scope = palloc0(sizeof(Scope));

	scope->relid = relid;
	scope->alias = new_alias(qc, 't');
	scope->name = name ? name : get_rel_name(relid);
	scope->earlier = earlier;
	return scope;
}

/* qualified: schema.table of a relation, quoted. */
static char *
qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* column: alias."name" */
static char *
column(const char *alias, const char *name)
{
	return psprintf("%s.%s", alias, quote_identifier(name));
}

/* malformed raises 22023 with the path into the query. */
static void
malformed(const char *path, const char *message)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("malformed query at %s: %s", path, message)));
}

/* keyeq: a JsonbValue string equals a C string. */
static bool
keyeq(JsonbValue *v, const char *s)
{
	return v->type == jbvString && strlen(s) == v->val.string.len &&
		strncmp(v->val.string.val, s, v->val.string.len) == 0;
}

/* jstr: a JsonbValue string as a C string. */
static char *
jstr(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* is_object / is_array: what a (binary) JsonbValue holds. */
static bool
is_object(JsonbValue *v)
{
	return v != NULL && v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

static bool
is_array(JsonbValue *v)
{
	return v != NULL && v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* field: the value of key in an object container, or NULL. */
static JsonbValue *
field(JsonbContainer *object, const char *key)
{
	if (object == NULL)
		return NULL;
	return getKeyJsonValueFromContainer(object, key, strlen(key), NULL);
}

/*
 * check_keys: every key of an object is one of the allowed ones (NULL-
 * terminated list), else 22023 naming the path.
 */
static void
check_keys(JsonbContainer *object, const char *const *allowed, const char *path)
{
	JsonbIterator *it = JsonbIteratorInit(object);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		const char *const *a;
		bool		ok = false;

		if (tok != WJB_KEY)
			continue;
		for (a = allowed; *a; a++)
			if (keyeq(&v, *a))
				ok = true;
		if (!ok)
			malformed(path, psprintf("unrecognized key \"%s\"", jstr(&v)));
	}
}

/* column_info: attnum, type and typmod of a column, or attnum 0. */
static AttrNumber
column_info(Oid relid, const char *name, Oid *type, int32 *typmod)
{
	AttrNumber	attnum = get_attnum(relid, name);
	Oid			collation;

	if (attnum <= 0)
		return 0;
	get_atttypetypmodcoll(relid, attnum, type, typmod, &collation);
	return attnum;
}

/* no_column raises 42703 for a name that is not a column. */
static void
no_column(Oid relid, const char *name, const char *path)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" of table \"%s\" does not exist", name, get_rel_name(relid)),
			 errdetail("At %s.", path)));
}

/* ---- parameters ---- */

/*
 * param: the reference "$n::type" of a new parameter.
 */
static char *
param(QueryCompiler *qc, Oid type, Datum value, bool isnull)
{
	if (qc->nparams >= MAX_QUERY_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("query has more than %d values", MAX_QUERY_PARAMS),
				 errhint("Give many values of one column as one list: {\"col\": {\"in\": [...]}}.")));
	if (qc->nparams == qc->capacity)
	{
		qc->capacity = qc->capacity ? qc->capacity * 2 : 16;
		qc->types = qc->types ? repalloc(qc->types, sizeof(Oid) * qc->capacity)
			: palloc(sizeof(Oid) * qc->capacity);
		qc->values = qc->values ? repalloc(qc->values, sizeof(Datum) * qc->capacity)
			: palloc(sizeof(Datum) * qc->capacity);
		qc->nulls = qc->nulls ? repalloc(qc->nulls, qc->capacity + 1)
			: palloc(qc->capacity + 1);
	}
	qc->types[qc->nparams] = type;
	qc->values[qc->nparams] = value;
	qc->nulls[qc->nparams] = isnull ? 'n' : ' ';
	qc->nparams++;
	qc->nulls[qc->nparams] = '\0';
	return psprintf("$%d::%s", qc->nparams,
					format_type_extended(type, -1, FORMAT_TYPE_FORCE_QUALIFY));
}

/*
 * scalar_text: the text a jsonb value stands for, for a type's input
 * function: strings as they are, numbers and booleans as written, objects
 * and arrays as JSON text (for json/jsonb columns).
 */
static char *
scalar_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return jstr(v);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		case jbvBinary:
			return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
		default:
			return NULL;
	}
}

/* value_param: a parameter of `type` holding a jsonb value (not null). */
static char *
value_param(QueryCompiler *qc, Oid type, int32 typmod, JsonbValue *v, const char *path)
{
	Oid			infunc;
	Oid			ioparam;
	char	   *text = scalar_text(v);

	if (text == NULL)
		malformed(path, "a value must not be null here");
	getTypeInputInfo(type, &infunc, &ioparam);
	return param(qc, type, OidInputFunctionCall(infunc, text, ioparam, typmod), false);
}

/* array_param: a parameter of type[] holding a jsonb array's elements. */
static char *
array_param(QueryCompiler *qc, Oid type, int32 typmod, JsonbValue *array, const char *path)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	Oid			infunc;
	Oid			ioparam;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n = 0;
	int			cap = 8;
	Datum	   *elems = palloc(sizeof(Datum) * cap);
	bool	   *nulls = palloc(sizeof(bool) * cap);
	int			dims[1];
	int			lbs[1] = {1};
	Oid			arraytype = get_array_type(type);

	if (!is_array(array))
		malformed(path, "a list of values is required");
	if (!OidIsValid(arraytype))
		malformed(path, "the column's type has no array type");
	getTypeInputInfo(type, &infunc, &ioparam);
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	it = JsonbIteratorInit(array->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *text;

		if (tok != WJB_ELEM)
			continue;
		if (n == cap)
		{
			cap *= 2;
			elems = repalloc(elems, sizeof(Datum) * cap);
			nulls = repalloc(nulls, sizeof(bool) * cap);
		}
		text = scalar_text(&v);
		nulls[n] = (text == NULL);
		elems[n] = nulls[n] ? (Datum) 0 : OidInputFunctionCall(infunc, text, ioparam, typmod);
		n++;
	}
	dims[0] = n;
	return param(qc, arraytype,
				 PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, type,
													typlen, typbyval, typalign)),
				 false);
}

/* ---- relations ---- */

/*
 * relation_of: the relation `name` of table relid, or NULL.
 */
static RelationInfo *
relation_of(Oid relid, const char *name)
{
	return relorm_find_relation(relid, name);
}

/* require_relation: the relation, or 42704 with the table's relations. */
static RelationInfo *
require_relation(Oid relid, const char *name)
{
	RelationInfo *rel = relation_of(relid, name);

	if (rel == NULL)
		relorm_relation_not_found(relid, name);
	return rel;
}

/* columns_eq: "la.a1 = ra.b1 AND ..." */
static char *
columns_eq(const char *la, const ColumnSet *l, const char *ra, const ColumnSet *r)
{
	StringInfoData buf;
	int			c;

	initStringInfo(&buf);
	for (c = 0; c < l->ncols; c++)
		appendStringInfo(&buf, "%s%s %s %s", c ? " AND " : "",
						 column(la, l->names[c]),
						 relorm_operator(l->types[c], r->types[c], BTEqualStrategyNumber),
						 column(ra, r->names[c]));
	return buf.data;
}

/*
 * related_from: how the rows of relation rel, in scope child, hang off the
 * row of scope parent: *from is the FROM item(s), *corr the condition.
 *	direct:   FROM target c          WHERE p.sc = c.tc
 *	junction: FROM junction jN JOIN target c ON jN.jt = c.tc
 *			  WHERE jN.js = p.sc
 */
static void
related_from(QueryCompiler *qc, RelationInfo *rel, const char *parent, Scope *child,
			 char **from, char **corr)
{
	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = new_alias(qc, 'j');

		*from = psprintf("%s %s JOIN %s %s ON %s", rel->junction.qualified, j,
						 rel->target.qualified, child->alias,
						 columns_eq(j, &rel->junction_target_cols, child->alias, &rel->target_cols));
		*corr = columns_eq(j, &rel->junction_source_cols, parent, &rel->source_cols);
	}
	else
	{
		*from = psprintf("%s %s", rel->target.qualified, child->alias);
		*corr = columns_eq(parent, &rel->source_cols, child->alias, &rel->target_cols);
	}
}

/*
 * join_step: "JOIN ..." from scope alias `from_alias` through rel to the
 * new scope `to` (for chains and joins).
 */
static char *
join_step(QueryCompiler *qc, RelationInfo *rel, const char *from_alias, Scope *to)
{
	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = new_alias(qc, 'j');

		return psprintf(" JOIN %s %s ON %s JOIN %s %s ON %s",
						rel->junction.qualified, j,
						columns_eq(j, &rel->junction_source_cols, from_alias, &rel->source_cols),
						rel->target.qualified, to->alias,
						columns_eq(j, &rel->junction_target_cols, to->alias, &rel->target_cols));
	}
	return psprintf(" JOIN %s %s ON %s", rel->target.qualified, to->alias,
					columns_eq(from_alias, &rel->source_cols, to->alias, &rel->target_cols));
}

/* ---- names in where and order ---- */

/*
 * find_scope: the scope a prefix "x" of "x.col" names: this one or an
 * earlier one of a chain/join, by relation name or table name.
 */
static Scope *
find_scope(Scope *scope, const char *prefix)
{
	Scope	   *s;

	for (s = scope; s != NULL; s = s->earlier)
		if (strcmp(s->name, prefix) == 0 || strcmp(get_rel_name(s->relid), prefix) == 0)
			return s;
	return NULL;
}

/* find_aggregate: an aggregate selected at this level, by alias. */
static Aggregate *
find_aggregate(Scope *scope, const char *name)
{
	ListCell   *lc;

	foreach(lc, scope->aggregates)
		if (strcmp(((Aggregate *) lfirst(lc))->alias, name) == 0)
			return (Aggregate *) lfirst(lc);
	return NULL;
}

/* ---- filters ---- */

/*
 * compile_comparison: the condition `op` on expr (of type/typmod) with the
 * value v, e.g. "a.year OPERATOR(pg_catalog.>=) $3::integer".
 */
static char *
compile_comparison(QueryCompiler *qc, const char *expr, Oid type, int32 typmod,
				   const char *op, JsonbValue *v, const char *path)
{
	static const struct
	{
		const char *name;
		int16		strategy;
	}			cmp[] = {
		{"eq", BTEqualStrategyNumber}, {"lt", BTLessStrategyNumber},
		{"lte", BTLessEqualStrategyNumber}, {"gt", BTGreaterStrategyNumber},
		{"gte", BTGreaterEqualStrategyNumber}
	};
	const char *textexpr = psprintf("(%s)::pg_catalog.text", expr);
	int			i;

	for (i = 0; i < lengthof(cmp); i++)
		if (strcmp(op, cmp[i].name) == 0)
		{
			if (v->type == jbvNull)
			{
				if (cmp[i].strategy != BTEqualStrategyNumber)
					malformed(path, "only eq and ne compare with null");
				return psprintf("(%s IS NULL)", expr);
			}
			return psprintf("(%s %s %s)", expr,
							relorm_operator(type, type, cmp[i].strategy),
							value_param(qc, type, typmod, v, path));
		}
	if (strcmp(op, "ne") == 0)
	{
		if (v->type == jbvNull)
			return psprintf("(%s IS NOT NULL)", expr);
		return psprintf("(NOT (%s %s %s))", expr,
						relorm_operator(type, type, BTEqualStrategyNumber),
						value_param(qc, type, typmod, v, path));
	}
	if (strcmp(op, "in") == 0 || strcmp(op, "not_in") == 0)
		return psprintf("(%s(%s %s ANY (%s)))", op[0] == 'n' ? "NOT " : "", expr,
						relorm_operator(type, type, BTEqualStrategyNumber),
						array_param(qc, type, typmod, v, path));
	if (strcmp(op, "between") == 0)
	{
		JsonbValue *lo;
		JsonbValue *hi;

		if (!is_array(v) || JsonContainerSize(v->val.binary.data) != 2)
			malformed(path, "between takes a list of two values");
		lo = getIthJsonbValueFromContainer(v->val.binary.data, 0);
		hi = getIthJsonbValueFromContainer(v->val.binary.data, 1);
		return psprintf("(%s %s %s AND %s %s %s)",
						expr, relorm_operator(type, type, BTGreaterEqualStrategyNumber),
						value_param(qc, type, typmod, lo, path),
						expr, relorm_operator(type, type, BTLessEqualStrategyNumber),
						value_param(qc, type, typmod, hi, path));
	}
	if (strcmp(op, "is_null") == 0)
	{
		if (v->type != jbvBool)
			malformed(path, "is_null takes true or false");
		return psprintf("(%s IS %sNULL)", expr, v->val.boolean ? "" : "NOT ");
	}
	if (strcmp(op, "contains") == 0 || strcmp(op, "starts_with") == 0 ||
		strcmp(op, "ends_with") == 0 || strcmp(op, "like") == 0 ||
		strcmp(op, "ilike") == 0)
	{
		char	   *p;

		if (v->type != jbvString)
			malformed(path, psprintf("%s takes a string", op));
		p = value_param(qc, TEXTOID, -1, v, path);
		if (strcmp(op, "contains") == 0)
			return psprintf("(pg_catalog.strpos(%s, %s) OPERATOR(pg_catalog.>) 0)", textexpr, p);
		if (strcmp(op, "starts_with") == 0)
			return psprintf("pg_catalog.starts_with(%s, %s)", textexpr, p);
		if (strcmp(op, "ends_with") == 0)
			return psprintf("(pg_catalog.right(%s, pg_catalog.length(%s)) OPERATOR(pg_catalog.=) %s)",
							textexpr, p, p);
		return psprintf("(%s OPERATOR(pg_catalog.%s) %s)", textexpr,
						strcmp(op, "like") == 0 ? "~~" : "~~*", p);
	}
	malformed(path, psprintf("unrecognized operator \"%s\"", op));
	return NULL;				/* keep compiler quiet */
}

/*
 * compile_value_filter: the filter on one expression: a value (equality;
 * null means IS NULL) or an object of operators (all must hold).
 */
static char *
compile_value_filter(QueryCompiler *qc, const char *expr, Oid type, int32 typmod,
					 JsonbValue *v, const char *path)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	StringInfoData buf;

	if (!is_object(v))
	{
		if (is_array(v))
			malformed(path, "use {\"in\": [...]} to compare with a list");
		return compile_comparison(qc, expr, type, typmod, "eq", v, path);
	}
	initStringInfo(&buf);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *op;
		JsonbValue	val;

		if (tok != WJB_KEY)
			continue;
		op = jstr(&k);
		tok = JsonbIteratorNext(&it, &val, true);
		appendStringInfo(&buf, "%s%s", buf.len ? " AND " : "",
						 compile_comparison(qc, expr, type, typmod, op, &val,
											psprintf("%s.%s", path, op)));
	}
	if (buf.len == 0)
		malformed(path, "an empty object of operators");
	return buf.data;
}

/*
 * compile_relation_filter: {"exists": bool} or {"some"|"every"|"none": f}
 * on the related rows of rel, from scope.
 */
static char *
compile_relation_filter(QueryCompiler *qc, Scope *scope, RelationInfo *rel,
						JsonbValue *v, const char *path, int depth)
{
	Scope	   *child = new_scope(qc, rel->target.relid, rel->name, NULL);
	char	   *from;
	char	   *corr;
	JsonbValue *x;

	if (!is_object(v))
		malformed(path, "a relation filter is {\"exists\": bool} or {\"some\" | \"every\" | \"none\": filter}");
	related_from(qc, rel, scope->alias, child, &from, &corr);
	if ((x = field(v->val.binary.data, "exists")) != NULL)
	{
		if (x->type != jbvBool || JsonContainerSize(v->val.binary.data) != 1)
			malformed(path, "exists takes true or false, alone");
		return psprintf("(%sEXISTS (SELECT FROM %s WHERE %s))",
						x->val.boolean ? "" : "NOT ", from, corr);
	}
	if (JsonContainerSize(v->val.binary.data) != 1)
		malformed(path, "a relation filter has one of exists, some, every, none");
	if ((x = field(v->val.binary.data, "some")) != NULL && is_object(x))
		return psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", from, corr,
						compile_filter(qc, child, x->val.binary.data,
									   psprintf("%s.some", path), depth + 1));
	if ((x = field(v->val.binary.data, "none")) != NULL && is_object(x))
		return psprintf("(NOT EXISTS (SELECT FROM %s WHERE %s AND %s))", from, corr,
						compile_filter(qc, child, x->val.binary.data,
									   psprintf("%s.none", path), depth + 1));
	if ((x = field(v->val.binary.data, "every")) != NULL && is_object(x))
		return psprintf("(NOT EXISTS (SELECT FROM %s WHERE %s AND (%s) IS NOT TRUE))", from, corr,
						compile_filter(qc, child, x->val.binary.data,
									   psprintf("%s.every", path), depth + 1));
	malformed(path, "a relation filter is {\"exists\": bool} or {\"some\" | \"every\" | \"none\": filter}");
	return NULL;				/* keep compiler quiet */
}

/*
 * compile_filter: a filter object (SPEC §5) on scope: every key must hold.
 */
static char *
compile_filter(QueryCompiler *qc, Scope *scope, JsonbContainer *filter,
			   const char *path, int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	StringInfoData buf;

	check_stack_depth();
	if (depth > MAX_QUERY_DEPTH * 4)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("filter at %s nests too deeply", path)));
	if (!JsonContainerIsObject(filter))
		malformed(path, "a filter must be an object");

	initStringInfo(&buf);
	it = JsonbIteratorInit(filter);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *kpath;
		JsonbValue	v;
		char	   *sql = NULL;
		Oid			type;
		int32		typmod;
		RelationInfo *rel;
		Aggregate  *agg;
		char	   *dot;

		if (tok != WJB_KEY)
			continue;
		key = jstr(&k);
		kpath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &v, true);

		if (strcmp(key, "and") == 0 || strcmp(key, "or") == 0)
		{
			JsonbIterator *ai;
			JsonbValue	e;
			StringInfoData list;
			int			i = 0;

			if (!is_array(&v))
				malformed(kpath, psprintf("%s takes a list of filters", key));
			initStringInfo(&list);
			ai = JsonbIteratorInit(v.val.binary.data);
			while ((tok = JsonbIteratorNext(&ai, &e, true)) != WJB_DONE)
			{
				char	   *epath = psprintf("%s[%d]", kpath, i++);

				if (tok != WJB_ELEM)
					continue;
				if (!is_object(&e))
					malformed(epath, "a filter must be an object");
				appendStringInfo(&list, "%s(%s)", list.len ? (key[0] == 'a' ? " AND " : " OR ") : "",
								 compile_filter(qc, scope, e.val.binary.data, epath, depth + 1));
			}
			sql = list.len ? psprintf("(%s)", list.data) : (key[0] == 'a' ? "true" : "false");
		}
		else if (strcmp(key, "not") == 0)
		{
			if (!is_object(&v))
				malformed(kpath, "not takes a filter");
			sql = psprintf("(NOT (%s))", compile_filter(qc, scope, v.val.binary.data, kpath, depth + 1));
		}
		else if (column_info(scope->relid, key, &type, &typmod))
			sql = compile_value_filter(qc, column(scope->alias, key), type, typmod, &v, kpath);
		else if ((agg = find_aggregate(scope, key)) != NULL)
			sql = compile_value_filter(qc, agg->sql, agg->type, -1, &v, kpath);
		else if ((dot = strchr(key, '.')) != NULL)
		{
			char	   *prefix = pnstrdup(key, dot - key);
			char	   *col = dot + 1;
			Scope	   *target = find_scope(scope, prefix);

			if (target != NULL)
			{
				if (!column_info(target->relid, col, &type, &typmod))
					no_column(target->relid, col, kpath);
				sql = compile_value_filter(qc, column(target->alias, col), type, typmod, &v, kpath);
			}
			else if ((rel = relation_of(scope->relid, prefix)) != NULL)
			{
				/* a column of a related row: some related row matches */
				Scope	   *child = new_scope(qc, rel->target.relid, rel->name, NULL);
				char	   *from;
				char	   *corr;

				related_from(qc, rel, scope->alias, child, &from, &corr);
				if (!column_info(child->relid, col, &type, &typmod))
					no_column(child->relid, col, kpath);
				sql = psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", from, corr,
							   compile_value_filter(qc, column(child->alias, col), type,
													typmod, &v, kpath));
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("\"%s\" names no earlier table and no relation of table \"%s\"",
								prefix, get_rel_name(scope->relid)),
						 errdetail("At %s.", kpath)));
		}
		else if ((rel = relation_of(scope->relid, key)) != NULL)
			sql = compile_relation_filter(qc, scope, rel, &v, kpath, depth);
		else
			no_column(scope->relid, key, kpath);
		appendStringInfo(&buf, "%s%s", buf.len ? " AND " : "", sql);
	}
	return buf.len ? buf.data : "true";
}

/* ---- order ---- */

/*
 * resolve_order_name: the SQL of a name in an order: a column of this
 * level, an aggregate alias, or "x.col" of an earlier table.
 */
static char *
resolve_order_name(Scope *scope, const char *name, const char *path)
{
	Oid			type;
	int32		typmod;
	Aggregate  *agg;
	const char *dot;

	if (column_info(scope->relid, name, &type, &typmod))
		return column(scope->alias, name);
	if ((agg = find_aggregate(scope, name)) != NULL)
		return agg->sql;
	if ((dot = strchr(name, '.')) != NULL)
	{
		Scope	   *target = find_scope(scope, pnstrdup(name, dot - name));

		if (target != NULL && column_info(target->relid, dot + 1, &type, &typmod))
			return column(target->alias, dot + 1);
	}
	no_column(scope->relid, name, path);
	return NULL;				/* keep compiler quiet */
}

/*
 * compile_order: the items of an `order` (SPEC §5): "col", "-col",
 * {"col": "desc nulls last"}, or a list of these.
 */
static List *
compile_order(Scope *scope, JsonbValue *order, const char *path)
{
	List	   *items = NIL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	if (order->type == jbvString)
	{
		OrderItem  *item = palloc(sizeof(OrderItem));
		char	   *name = jstr(order);

		item->direction = "";
		if (name[0] == '-')
		{
			name++;
			item->direction = " DESC";
		}
		item->expr = resolve_order_name(scope, name, path);
		return list_make1(item);
	}
	if (is_object(order))
	{
		it = JsonbIteratorInit(order->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			OrderItem  *item = palloc(sizeof(OrderItem));
			char	   *name;
			JsonbValue	dir;

			if (tok != WJB_KEY)
				continue;
			name = jstr(&v);
			JsonbIteratorNext(&it, &dir, true);
			if (dir.type != jbvString)
				malformed(psprintf("%s.%s", path, name), "a direction must be a string");
			item->expr = resolve_order_name(scope, name, path);
			item->direction = order_direction(jstr(&dir));
			items = lappend(items, item);
		}
		return items;
	}
	if (!is_array(order))
		malformed(path, "order is a column name, an object, or a list of these");
	it = JsonbIteratorInit(order->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *ipath = psprintf("%s[%d]", path, i++);

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvString && !is_object(&v))
			malformed(ipath, "an order item is a column name or {\"column\": \"direction\"}");
		items = list_concat(items, compile_order(scope, &v, ipath));
	}
	return items;
}

/* order_sql: "e1 DESC, e2" (or with the exprs replaced by names). */
static char *
order_sql(List *items, List *names)
{
	StringInfoData buf;
	ListCell   *lc;
	ListCell   *ln = list_head(names);

	initStringInfo(&buf);
	foreach(lc, items)
	{
		OrderItem  *item = lfirst(lc);

		appendStringInfo(&buf, "%s%s%s", buf.len ? ", " : "",
						 ln ? (char *) lfirst(ln) : item->expr, item->direction);
		if (ln)
			ln = lnext(names, ln);
	}
	return buf.data;
}

/*
 * query_order_sql: the ORDER BY items of an `order` value over the columns
 * of relid aliased `alias` (for the relation option "order").
 */
char *
query_order_sql(Oid relid, const char *alias, Jsonb *order)
{
	Scope		scope;
	JsonbValue	v;

	memset(&scope, 0, sizeof(scope));
	scope.relid = relid;
	scope.alias = (char *) alias;
	scope.name = get_rel_name(relid);
	if (JB_ROOT_IS_SCALAR(order))
		JsonbExtractScalar(&order->root, &v);
	else
	{
		v.type = jbvBinary;
		v.val.binary.data = &order->root;
		v.val.binary.len = VARSIZE(order);
	}
	return order_sql(compile_order(&scope, &v, "options.order"), NIL);
}

/*
 * then_key_order: order items, followed (for determinism) by the columns
 * of the table's primary key that they do not order by already: ordering
 * by one expression twice would only cost the planner a useless sort.
 */
static List *
then_key_order(List *items, Scope *scope)
{
	ColumnSet	key;
	int			c;

	if (!table_primary_key(scope->relid, &key))
		return items;
	for (c = 0; c < key.ncols; c++)
	{
		char	   *expr = column(scope->alias, key.names[c]);
		OrderItem  *item;
		ListCell   *lc;
		bool		present = false;

		foreach(lc, items)
			present |= strcmp(((OrderItem *) lfirst(lc))->expr, expr) == 0;
		if (present)
			continue;
		item = palloc(sizeof(OrderItem));
		item->expr = expr;
		item->direction = "";
		items = lappend(items, item);
	}
	return items;
}

/* ---- limit and offset ---- */

/* count_param: a non-negative integer (limit, offset) as a parameter. */
static char *
count_param(QueryCompiler *qc, JsonbValue *v, const char *path)
{
	int64		n;

	if (v->type != jbvNumeric)
		malformed(path, "a non-negative integer is required");
	n = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric)));
	if (n < 0 || !DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(v->val.numeric),
												   DirectFunctionCall1(int8_numeric, Int64GetDatum(n)))))
		malformed(path, "a non-negative integer is required");
	return param(qc, INT8OID, Int64GetDatum(n), false);
}

/* ---- select ---- */

/* all_columns: "a.c1 AS c1, a.c2 AS c2, ..." of a table, in order. */
static char *
all_columns(Oid relid, const char *alias, const char *key_prefix)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData buf;
	int			a;

	initStringInfo(&buf);
	for (a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);

		if (att->attisdropped)
			continue;
		appendStringInfo(&buf, "%s%s AS %s", buf.len ? ", " : "",
						 column(alias, NameStr(att->attname)),
						 quote_identifier(key_prefix
										  ? psprintf("%s.%s", key_prefix, NameStr(att->attname))
										  : NameStr(att->attname)));
	}
	relation_close(rel, AccessShareLock);
	return buf.data;
}

/*
 * compile_aggregate: {"relation": r, "count": true | "exists": true |
 * "sum"|"avg"|"min"|"max": "col" | "string_agg": ["col", "sep"],
 * "where": f, "order": o} as a scalar subquery; its type for comparisons.
 */
static char *
compile_aggregate(QueryCompiler *qc, Scope *scope, RelationInfo *rel,
				  JsonbContainer *spec, const char *path, Oid *type, int depth)
{
	static const char *const allowed[] = {"relation", "count", "exists", "sum", "avg",
	"min", "max", "string_agg", "where", "order", NULL};
	Scope	   *child = new_scope(qc, rel->target.relid, rel->name, NULL);
	char	   *from;
	char	   *corr;
	char	   *where = "true";
	char	   *expr = NULL;
	JsonbValue *v;
	JsonbValue *w;
	static const char *const fns[] = {"sum", "avg", "min", "max"};
	int			i;

	check_keys(spec, allowed, path);
	related_from(qc, rel, scope->alias, child, &from, &corr);
	if ((w = field(spec, "where")) != NULL)
	{
		if (!is_object(w))
			malformed(psprintf("%s.where", path), "a filter must be an object");
		where = compile_filter(qc, child, w->val.binary.data, psprintf("%s.where", path), depth + 1);
	}
	if ((v = field(spec, "count")) != NULL)
	{
		*type = INT8OID;
		return psprintf("(SELECT pg_catalog.count(*) FROM %s WHERE %s AND %s)", from, corr, where);
	}
	if ((v = field(spec, "exists")) != NULL)
	{
		*type = BOOLOID;
		return psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", from, corr, where);
	}
	for (i = 0; i < lengthof(fns); i++)
		if ((v = field(spec, fns[i])) != NULL)
		{
			int32		typmod;
			Oid			coltype;
			char	   *col;

			if (v->type != jbvString)
				malformed(psprintf("%s.%s", path, fns[i]), "the name of a column is required");
			col = jstr(v);
			if (!column_info(child->relid, col, &coltype, &typmod))
				no_column(child->relid, col, psprintf("%s.%s", path, fns[i]));
			if (i < 2)
			{
				/* sum and avg compare as numeric, whatever the column's type */
				*type = NUMERICOID;
				expr = psprintf("(SELECT pg_catalog.%s(%s)::pg_catalog.numeric FROM %s WHERE %s AND %s)",
								fns[i], column(child->alias, col), from, corr, where);
			}
			else
			{
				*type = coltype;
				expr = psprintf("(SELECT pg_catalog.%s(%s) FROM %s WHERE %s AND %s)",
								fns[i], column(child->alias, col), from, corr, where);
			}
			return expr;
		}
	if ((v = field(spec, "string_agg")) != NULL)
	{
		JsonbValue *col;
		JsonbValue *sep;
		JsonbValue *o;
		Oid			coltype;
		int32		typmod;
		List	   *order;

		if (!is_array(v) || JsonContainerSize(v->val.binary.data) != 2)
			malformed(psprintf("%s.string_agg", path), "string_agg takes [\"column\", \"separator\"]");
		col = getIthJsonbValueFromContainer(v->val.binary.data, 0);
		sep = getIthJsonbValueFromContainer(v->val.binary.data, 1);
		if (col->type != jbvString || sep->type != jbvString)
			malformed(psprintf("%s.string_agg", path), "string_agg takes [\"column\", \"separator\"]");
		if (!column_info(child->relid, jstr(col), &coltype, &typmod))
			no_column(child->relid, jstr(col), psprintf("%s.string_agg", path));
		order = (o = field(spec, "order")) != NULL
			? compile_order(child, o, psprintf("%s.order", path)) : then_key_order(NIL, child);
		*type = TEXTOID;
		return psprintf("(SELECT pg_catalog.string_agg((%s)::pg_catalog.text, %s%s%s) FROM %s WHERE %s AND %s)",
						column(child->alias, jstr(col)),
						value_param(qc, TEXTOID, -1, sep, path),
						order ? " ORDER BY " : "", order ? order_sql(order, NIL) : "",
						from, corr, where);
	}
	malformed(path, "an aggregate needs one of count, exists, sum, avg, min, max, string_agg");
	return NULL;				/* keep compiler quiet */
}

/*
 * is_aggregate: the item's object asks for an aggregate (one only: two
 * are 22023).
 */
static bool
is_aggregate(JsonbContainer *spec, const char *path)
{
	static const char *const keys[] = {"count", "exists", "sum", "avg", "min", "max", "string_agg"};
	int			i;
	int			n = 0;

	for (i = 0; i < lengthof(keys); i++)
		if (field(spec, keys[i]) != NULL)
			n++;
	if (n > 1)
		malformed(path, "an aggregate takes one of count, exists, sum, avg, min, max, string_agg");
	return n == 1;
}

/*
 * compile_chain: {"chain": "a.b", ...query}: the unique rows (by primary
 * key) at the end of the path from scope, as an array, or an object when
 * every step is to-one.
 */
static char *
compile_chain(QueryCompiler *qc, Scope *scope, const char *pathspec,
			  JsonbContainer *query, const char *path, int depth, List **conditions_out,
			  bool top, RowsMode top_mode)
{
	char	   *steps = pstrdup(pathspec);
	char	   *step;
	char	   *save = NULL;
	Scope	   *current = scope;
	StringInfoData from;
	char	   *corr = NULL;
	bool		to_one = true;
	RelationInfo *rel = NULL;
	Scope	   *final;
	List	   *order = NIL;
	JsonbValue *o;
	JsonbValue *w;
	StringInfoData inner;
	ColumnSet	key;
	List	   *conditions = NIL;
	int			c;

	initStringInfo(&from);
	if (steps[0] == '\0' || steps[0] == '.' || steps[strlen(steps) - 1] == '.' ||
		strstr(steps, "..") != NULL)
		malformed(path, "chain needs a path of relations, like \"books.reviews\"");
	for (step = strtok_r(steps, ".", &save); step; step = strtok_r(NULL, ".", &save))
	{
		Scope	   *next;

		rel = require_relation(current->relid, step);
		next = new_scope(qc, rel->target.relid, rel->name, current);
		if (relation_kind_is_to_many(rel->kind))
			to_one = false;
		if (corr == NULL && !top)
		{
			char	   *f;

			related_from(qc, rel, current->alias, next, &f, &corr);
			appendStringInfoString(&from, f);
		}
		else
		{
			if (from.len == 0)
				appendStringInfo(&from, "%s %s", qualified(current->relid), current->alias);
			appendStringInfoString(&from, join_step(qc, rel, current->alias, next));
		}
		current = next;
	}
	if (rel == NULL)
		malformed(path, "chain needs a path of relations, like \"books.reviews\"");
	final = current;
	qc->final_relid = final->relid;
	if (!table_primary_key(final->relid, &key))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("chain needs a primary key on table \"%s\" to return each row once",
						get_rel_name(final->relid))));

	if (corr)
		conditions = lappend(conditions, corr);
	if (conditions_out)
		conditions = list_concat(conditions, *conditions_out);
	if ((w = field(query, "where")) != NULL)
	{
		if (!is_object(w))
			malformed(psprintf("%s.where", path), "a filter must be an object");
		conditions = lappend(conditions, compile_filter(qc, final, w->val.binary.data,
														psprintf("%s.where", path), depth));
	}
	if ((o = field(query, "order")) != NULL)
		order = compile_order(final, o, psprintf("%s.order", path));

	/* one row per final key, the first in the requested order */
	initStringInfo(&inner);
	appendStringInfo(&inner, "(SELECT DISTINCT ON (");
	for (c = 0; c < key.ncols; c++)
		appendStringInfo(&inner, "%s%s", c ? ", " : "", column(final->alias, key.names[c]));
	appendStringInfo(&inner, ") %s.*", final->alias);
	{
		ListCell   *lc;
		int			i = 0;
		List	   *outer = NIL;

		foreach(lc, order)
		{
			OrderItem  *item = lfirst(lc);
			OrderItem  *oi = palloc(sizeof(OrderItem));

			appendStringInfo(&inner, ", %s AS relorm_c%d", item->expr, i);
			oi->expr = psprintf("%s.relorm_c%d", final->alias, i);
			oi->direction = item->direction;
			outer = lappend(outer, oi);
			i++;
		}
		appendStringInfo(&inner, " FROM %s", from.data);
		if (conditions)
		{
			appendStringInfoString(&inner, " WHERE ");
			foreach(lc, conditions)
				appendStringInfo(&inner, "%s%s", foreach_current_index(lc) ? " AND " : "",
								 (char *) lfirst(lc));
		}
		appendStringInfoString(&inner, " ORDER BY ");
		for (c = 0; c < key.ncols; c++)
			appendStringInfo(&inner, "%s%s", c ? ", " : "", column(final->alias, key.names[c]));
		if (order)
			appendStringInfo(&inner, ", %s", order_sql(order, NIL));
		appendStringInfo(&inner, ") %s", final->alias);

		/* the rows of the final table as a derived table, in the order asked */
		{
			Scope	   *rows = new_scope(qc, final->relid, final->name, NULL);
			JsonbParseState *state = NULL;
			JsonbIterator *it;
			JsonbValue	v;
			JsonbIteratorToken tok;
			Jsonb	   *rest;
			List	   *chain_order;

			/* the remaining query (select, limit, offset) applies to the rows */
			pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
			it = JsonbIteratorInit(query);
			while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			{
				if (tok == WJB_KEY)
				{
					JsonbValue	val;
					bool		keep = keyeq(&v, "select") || keyeq(&v, "limit") ||
					keyeq(&v, "offset");

					JsonbIteratorNext(&it, &val, true);
					if (keep)
					{
						pushJsonbValue(&state, WJB_KEY, &v);
						pushJsonbValue(&state, WJB_VALUE, &val);
					}
				}
			}
			rest = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));

			rows->alias = final->alias;
			chain_order = NIL;
			foreach(lc, outer)
				chain_order = lappend(chain_order, lfirst(lc));
			for (c = 0; c < key.ncols; c++)
			{
				OrderItem  *item = palloc(sizeof(OrderItem));

				item->expr = column(final->alias, key.names[c]);
				item->direction = "";
				chain_order = lappend(chain_order, item);
			}
			qc->forced_order = chain_order;
			return compile_rows(qc, rows, inner.data, NIL, &rest->root, path,
								top ? top_mode : (to_one ? ROWS_OBJECT : ROWS_ARRAY),
								depth);
		}
	}
}

/*
 * compile_select: the items of a select list over scope, "expr AS key"
 * joined by commas.  Relations marked join: true add their condition to
 * *conditions.  Eager relations not mentioned are added.
 */
static char *
compile_select(QueryCompiler *qc, Scope *scope, JsonbValue *select, const char *path,
			   int depth, List **conditions)
{
	StringInfoData buf;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;
	List	   *mentioned = NIL;
	List	   *rels;
	ListCell   *lc;

	initStringInfo(&buf);
	if (select == NULL)
		appendStringInfoString(&buf, all_columns(scope->relid, scope->alias, NULL));
	else
	{
		if (!is_array(select))
			malformed(path, "select must be a list");
		it = JsonbIteratorInit(select->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *ipath = psprintf("%s[%d]", path, i++);

			if (tok != WJB_ELEM)
				continue;
			if (v.type == jbvString)
			{
				char	   *name = jstr(&v);
				Oid			type;
				int32		typmod;

				if (strcmp(name, "*") == 0)
					appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
									 all_columns(scope->relid, scope->alias, NULL));
				else if (column_info(scope->relid, name, &type, &typmod))
					appendStringInfo(&buf, "%s%s AS %s", buf.len ? ", " : "",
									 column(scope->alias, name), quote_identifier(name));
				else
					no_column(scope->relid, name, ipath);
				continue;
			}
			if (!is_object(&v))
				malformed(ipath, "a select item is a column name or an object");
			{
				JsonbIterator *oi = JsonbIteratorInit(v.val.binary.data);
				JsonbValue	k;

				while ((tok = JsonbIteratorNext(&oi, &k, true)) != WJB_DONE)
				{
					char	   *key;
					char	   *kpath;
					JsonbValue	spec;
					JsonbContainer *query = NULL;
					JsonbValue *relname;
					RelationInfo *rel;
					char	   *sql;

					if (tok != WJB_KEY)
						continue;
					key = jstr(&k);
					kpath = psprintf("%s.%s", ipath, key);
					JsonbIteratorNext(&oi, &spec, true);
					if (spec.type == jbvBool && spec.val.boolean)
						query = NULL;
					else if (is_object(&spec))
						query = spec.val.binary.data;
					else
						malformed(kpath, "a relation is selected with true or a query object");

					if (query && field(query, "chain") != NULL)
					{
						JsonbValue *chain = field(query, "chain");
						static const char *const allowed[] = {"chain", "select", "where", "order",
						"limit", "offset", NULL};

						check_keys(query, allowed, kpath);
						if (chain->type != jbvString)
							malformed(psprintf("%s.chain", kpath), "chain takes a path like \"books.reviews\"");
						sql = compile_chain(qc, scope, jstr(chain), query, kpath, depth + 1,
											NULL, false, ROWS_ARRAY);
						appendStringInfo(&buf, "%s(%s) AS %s", buf.len ? ", " : "", sql,
										 quote_identifier(key));
						continue;
					}
					relname = query ? field(query, "relation") : NULL;
					if (relname && relname->type != jbvString)
						malformed(psprintf("%s.relation", kpath), "relation takes a relation name");
					rel = require_relation(scope->relid, relname ? jstr(relname) : key);
					mentioned = lappend(mentioned, rel->name);
					if (query && is_aggregate(query, kpath))
					{
						Aggregate  *agg = palloc(sizeof(Aggregate));

						agg->alias = key;
						agg->sql = compile_aggregate(qc, scope, rel, query, kpath, &agg->type, depth + 1);
						scope->aggregates = lappend(scope->aggregates, agg);
						appendStringInfo(&buf, "%s%s AS %s", buf.len ? ", " : "", agg->sql,
										 quote_identifier(key));
						continue;
					}
					sql = compile_relation_item(qc, scope, rel, query, kpath, depth + 1, conditions);
					appendStringInfo(&buf, "%s(%s) AS %s", buf.len ? ", " : "", sql,
									 quote_identifier(key));
				}
			}
		}
	}

	/* eager relations that the select does not mention, once per path */
	rels = relorm_relations_of(scope->relid);
	foreach(lc, rels)
	{
		char	   *name = lfirst(lc);
		RelationInfo *rel;
		char	   *mark;
		ListCell   *m;
		bool		skip = false;

		foreach(m, mentioned)
			if (strcmp((char *) lfirst(m), name) == 0)
				skip = true;
		if (skip)
			continue;
		rel = relorm_lookup_relation(scope->relid, name);
		if (!rel->options.eager)
			continue;
		mark = psprintf("%u:%s", scope->relid, name);
		foreach(m, scope->eager_path)
			if (strcmp((char *) lfirst(m), mark) == 0)
				skip = true;
		if (skip || depth + 1 > MAX_QUERY_DEPTH)
			continue;
		qc->eager_mark = mark;
		appendStringInfo(&buf, "%s(%s) AS %s", buf.len ? ", " : "",
						 compile_relation_item(qc, scope, rel, NULL,
											   psprintf("%s(eager %s)", path, name),
											   depth + 1, conditions),
						 quote_identifier(name));
	}
	if (buf.len == 0)
		malformed(path, "select must name at least one item");
	return buf.data;
}

/*
 * compile_relation_item: the related row(s) of rel as a nested document:
 * an object or null (to-one), an array never null (to-many).  With
 * "join": true, the parent keeps only rows that have a matching related
 * row (added to *conditions).
 */
static char *
compile_relation_item(QueryCompiler *qc, Scope *scope, RelationInfo *rel,
					  JsonbContainer *query, const char *path, int depth,
					  List **conditions)
{
	static const char *const allowed[] = {"relation", "join", "select", "where", "order",
	"limit", "offset", NULL};
	Scope	   *child = new_scope(qc, rel->target.relid, rel->name, NULL);
	char	   *from;
	char	   *corr;
	JsonbValue *join;
	ListCell   *lc;

	if (depth > MAX_QUERY_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("select nests more than %d levels deep at %s", MAX_QUERY_DEPTH, path)));
	check_stack_depth();
	if (query)
		check_keys(query, allowed, path);

	/* eager relations expanded on the way down are not expanded again */
	foreach(lc, scope->eager_path)
		child->eager_path = lappend(child->eager_path, lfirst(lc));
	if (qc->eager_mark)
	{
		child->eager_path = lappend(child->eager_path, qc->eager_mark);
		qc->eager_mark = NULL;
	}

	related_from(qc, rel, scope->alias, child, &from, &corr);
	join = query ? field(query, "join") : NULL;
	if (join != NULL)
	{
		JsonbValue *w = field(query, "where");

		if (join->type != jbvBool)
			malformed(psprintf("%s.join", path), "join takes true or false");
		if (join->val.boolean && conditions)
		{
			/* the same related rows, filtered alike, must exist */
			Scope	   *probe = new_scope(qc, rel->target.relid, rel->name, NULL);
			char	   *pfrom;
			char	   *pcorr;

			related_from(qc, rel, scope->alias, probe, &pfrom, &pcorr);
			*conditions = lappend(*conditions,
								  psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", pfrom, pcorr,
										   w && is_object(w)
										   ? compile_filter(qc, probe, w->val.binary.data,
															psprintf("%s.where", path), depth)
										   : "true"));
		}
	}
	if (rel->options.order != NULL && (query == NULL || field(query, "order") == NULL) &&
		relation_kind_is_to_many(rel->kind))
	{
		JsonbValue	ov;

		ov.type = jbvBinary;
		ov.val.binary.data = &rel->options.order->root;
		ov.val.binary.len = VARSIZE(rel->options.order);
		if (JB_ROOT_IS_SCALAR(rel->options.order))
			JsonbExtractScalar(&rel->options.order->root, &ov);
		qc->forced_order = then_key_order(compile_order(child, &ov, psprintf("%s.order", path)),
										  child);
	}
	return compile_rows(qc, child, from, list_make1(corr), query, path,
						relation_kind_is_to_many(rel->kind) ? ROWS_ARRAY : ROWS_OBJECT,
						depth);
}

/*
 * compile_rows: the rows of scope's table (FROM `from`, under `conditions`)
 * shaped by a query object, as mode asks.  See the top of this file.
 */
static char *
compile_rows(QueryCompiler *qc, Scope *scope, const char *from, List *conditions,
			 JsonbContainer *query, const char *path, RowsMode mode, int depth)
{
	static const char *const allowed[] = {"select", "where", "order", "limit", "offset",
	"relation", "join", "of", NULL};
	JsonbValue *select = query ? field(query, "select") : NULL;
	JsonbValue *where = query ? field(query, "where") : NULL;
	JsonbValue *order = query ? field(query, "order") : NULL;
	JsonbValue *limit = query ? field(query, "limit") : NULL;
	JsonbValue *offset = query ? field(query, "offset") : NULL;
	List	   *forced = qc->forced_order;
	List	   *order_items;
	List	   *page_names = NIL;
	char	   *items = NULL;
	char	   *r = new_alias(qc, 'r');
	char	   *inner_order;
	char	   *outer_order;
	StringInfoData conds;
	StringInfoData sql;
	ListCell   *lc;
	char	   *limit_sql = NULL;
	char	   *offset_sql = NULL;
	bool		paged;

	qc->forced_order = NIL;
	if (query)
		check_keys(query, allowed, path);

	/* select first: its aggregates may be named in where and order */
	if (mode != ROWS_TYPED)
		items = compile_select(qc, scope, select, psprintf("%s.select", path), depth,
							   &conditions);
	else if (select != NULL)
		malformed(psprintf("%s.select", path), "the typed form returns whole rows: leave out select");

	if (where != NULL)
	{
		if (!is_object(where))
			malformed(psprintf("%s.where", path), "a filter must be an object");
		conditions = lappend(conditions, compile_filter(qc, scope, where->val.binary.data,
														psprintf("%s.where", path), depth));
	}
	if (limit)
		limit_sql = count_param(qc, limit, psprintf("%s.limit", path));
	if (offset)
		offset_sql = count_param(qc, offset, psprintf("%s.offset", path));
	paged = (limit != NULL || offset != NULL);

	/*
	 * Order: as asked (or the relation's order option), then by key where
	 * the order decides which rows are returned or how an array reads.
	 */
	order_items = order ? compile_order(scope, order, psprintf("%s.order", path)) : forced;
	if (mode == ROWS_ARRAY || paged)
		order_items = then_key_order(order_items, scope);
	if (mode == ROWS_OBJECT && limit_sql == NULL)
		limit_sql = "1";

	initStringInfo(&conds);
	foreach(lc, conditions)
		appendStringInfo(&conds, "%s%s", conds.len ? " AND " : "", (char *) lfirst(lc));

	inner_order = order_items ? order_sql(order_items, NIL) : NULL;
	outer_order = inner_order;
	if (paged && order_items)
	{
		int			i;

		for (i = 0; i < list_length(order_items); i++)
			page_names = lappend(page_names, psprintf("%s.relorm_o%d", scope->alias, i));
		outer_order = order_sql(order_items, page_names);
	}

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	if (mode == ROWS_TYPED)
		appendStringInfo(&sql, "true, %s", all_columns(scope->relid, scope->alias, NULL));
	else if (mode == ROWS_ARRAY)
		appendStringInfo(&sql, "COALESCE(pg_catalog.json_agg(%s.*%s%s), '[]'::pg_catalog.json)", r,
						 outer_order ? " ORDER BY " : "", outer_order ? outer_order : "");
	else
		appendStringInfo(&sql, "pg_catalog.row_to_json(%s.*)", r);

	if (paged)
	{
		/* cut the page first; documents are built for its rows only */
		int			i = 0;

		appendStringInfo(&sql, " FROM (SELECT %s.*", scope->alias);
		foreach(lc, order_items)
			appendStringInfo(&sql, ", %s AS relorm_o%d", ((OrderItem *) lfirst(lc))->expr, i++);
		appendStringInfo(&sql, " FROM %s", from);
		if (conds.len)
			appendStringInfo(&sql, " WHERE %s", conds.data);
		if (inner_order)
			appendStringInfo(&sql, " ORDER BY %s", inner_order);
		if (limit_sql)
			appendStringInfo(&sql, " LIMIT %s", limit_sql);
		if (offset_sql)
			appendStringInfo(&sql, " OFFSET %s", offset_sql);
		appendStringInfo(&sql, ") %s", scope->alias);
		if (mode != ROWS_TYPED)
			appendStringInfo(&sql, " CROSS JOIN LATERAL (SELECT %s) %s", items, r);
		if (outer_order && mode != ROWS_ARRAY)
			appendStringInfo(&sql, " ORDER BY %s", outer_order);
		return sql.data;
	}

	appendStringInfo(&sql, " FROM %s", from);
	if (mode != ROWS_TYPED)
		appendStringInfo(&sql, " CROSS JOIN LATERAL (SELECT %s) %s", items, r);
	if (conds.len)
		appendStringInfo(&sql, " WHERE %s", conds.data);
	if (outer_order && mode != ROWS_ARRAY)
		appendStringInfo(&sql, " ORDER BY %s", outer_order);
	if (limit_sql)
		appendStringInfo(&sql, " LIMIT %s", limit_sql);
	return sql.data;
}

/* ---- entry points ---- */

/* query_compiler: a new, empty compiler. */
QueryCompiler *
query_compiler(void)
{
	return palloc0(sizeof(QueryCompiler));
}

/*
 * query_select: relorm_select(source, query): every row of source matching
 * the query, as json (or, typed, as rows).
 */
char *
query_select(QueryCompiler *qc, Oid source, Jsonb *query, bool typed)
{
	Scope	   *scope = new_scope(qc, source, NULL, NULL);

	if (!JB_ROOT_IS_OBJECT(query) || JB_ROOT_IS_SCALAR(query))
		malformed("$", "a query must be an object");
	return compile_rows(qc, scope, psprintf("%s %s", qualified(source), scope->alias), NIL,
						&query->root, "$", typed ? ROWS_TYPED : ROWS_TOP, 0);
}

/*
 * owner_condition: the target rows of rel related to the owner (key
 * parameters), for a scope over the target:
 *	EXISTS (SELECT FROM source s [JOIN junction j ON j.js = s.sc]
 *			WHERE s.id = $1 AND s.sc = t.tc)	(or j.jt = t.tc)
 */
static char *
owner_condition(QueryCompiler *qc, RelationInfo *rel, const KeyList *owner, Scope *scope)
{
	StringInfoData buf;
	char	   *s = new_alias(qc, 's');
	int			c;

	initStringInfo(&buf);
	appendStringInfo(&buf, "EXISTS (SELECT FROM %s %s", rel->source.qualified, s);
	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = new_alias(qc, 'j');

		appendStringInfo(&buf, " JOIN %s %s ON %s WHERE ", rel->junction.qualified, j,
						 columns_eq(j, &rel->junction_source_cols, s, &rel->source_cols));
		appendStringInfo(&buf, "%s", columns_eq(j, &rel->junction_target_cols, scope->alias,
												&rel->target_cols));
	}
	else
		appendStringInfo(&buf, " WHERE %s", columns_eq(s, &rel->source_cols, scope->alias,
													   &rel->target_cols));
	for (c = 0; c < owner->columns->ncols; c++)
		appendStringInfo(&buf, " AND %s %s %s", column(s, owner->columns->names[c]),
						 relorm_operator(owner->columns->types[c], owner->columns->types[c],
										 BTEqualStrategyNumber),
						 param(qc, owner->columns->types[c], owner->values[c][0], false));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * query_related: relorm_query_related: the owner's related rows shaped by
 * the query (ROWS_TOP or ROWS_TYPED).
 */
char *
query_related(QueryCompiler *qc, RelationInfo *rel, const KeyList *owner, Jsonb *query,
			  RowsMode mode)
{
	Scope	   *scope = new_scope(qc, rel->target.relid, rel->name, NULL);

	if (!JB_ROOT_IS_OBJECT(query) || JB_ROOT_IS_SCALAR(query))
		malformed("$", "a query must be an object");
	if (rel->options.order != NULL && field(&query->root, "order") == NULL &&
		relation_kind_is_to_many(rel->kind))
	{
		JsonbValue	ov;

		if (JB_ROOT_IS_SCALAR(rel->options.order))
			JsonbExtractScalar(&rel->options.order->root, &ov);
		else
		{
			ov.type = jbvBinary;
			ov.val.binary.data = &rel->options.order->root;
			ov.val.binary.len = VARSIZE(rel->options.order);
		}
		qc->forced_order = compile_order(scope, &ov, "$.order");
	}
	return compile_rows(qc, scope, psprintf("%s %s", rel->target.qualified, scope->alias),
						list_make1(owner_condition(qc, rel, owner, scope)),
						&query->root, "$", mode, 0);
}

/*
 * query_related_aggregate: relorm_count_related / relorm_exists_related.
 */
char *
query_related_aggregate(QueryCompiler *qc, RelationInfo *rel, const KeyList *owner,
						Jsonb *where, bool count)
{
	Scope	   *scope = new_scope(qc, rel->target.relid, rel->name, NULL);
	char	   *cond = owner_condition(qc, rel, owner, scope);
	char	   *filter = "true";

	if (where != NULL)
	{
		if (!JB_ROOT_IS_OBJECT(where) || JB_ROOT_IS_SCALAR(where))
			malformed("$", "a filter must be an object");
		filter = compile_filter(qc, scope, &where->root, "$", 0);
	}
	return psprintf(count ? "SELECT pg_catalog.count(*) FROM %s %s WHERE %s AND %s"
					: "SELECT EXISTS (SELECT FROM %s %s WHERE %s AND %s)",
					rel->target.qualified, scope->alias, cond, filter);
}

/*
 * query_chain: relorm_chain(source, path, query): the rows at the end of
 * the path from the source rows chosen by query.of, each once.
 */
char *
query_chain(QueryCompiler *qc, Oid source, const char *path, Jsonb *query, bool typed)
{
	static const char *const allowed[] = {"of", "select", "where", "order", "limit",
	"offset", NULL};
	Scope	   *scope = new_scope(qc, source, NULL, NULL);
	List	   *conditions = NIL;
	JsonbValue *of;

	if (!JB_ROOT_IS_OBJECT(query) || JB_ROOT_IS_SCALAR(query))
		malformed("$", "a query must be an object");
	check_keys(&query->root, allowed, "$");
	if ((of = field(&query->root, "of")) != NULL)
	{
		ColumnSet	key;
		KeyList    *keys;
		StringInfoData buf;
		char	   *k = new_alias(qc, 'k');
		int			c;

		if (!table_primary_key(source, &key))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table \"%s\" has no primary key for \"of\"", get_rel_name(source))));
		keys = keys_from_jsonb(JsonbValueToJsonb(of), &key, "$.of");
		initStringInfo(&buf);
		appendStringInfoString(&buf, "EXISTS (SELECT FROM ROWS FROM (");
		for (c = 0; c < key.ncols; c++)
			appendStringInfo(&buf, "%spg_catalog.unnest(%s)", c ? ", " : "",
							 param(qc, get_array_type(key.types[c]), keys_column_array(keys, c), false));
		appendStringInfo(&buf, ") AS %s(", k);
		for (c = 0; c < key.ncols; c++)
			appendStringInfo(&buf, "%sk%d", c ? ", " : "", c + 1);
		appendStringInfoString(&buf, ") WHERE ");
		for (c = 0; c < key.ncols; c++)
			appendStringInfo(&buf, "%s%s %s %s.k%d", c ? " AND " : "",
							 column(scope->alias, key.names[c]),
							 relorm_operator(key.types[c], key.types[c], BTEqualStrategyNumber),
							 k, c + 1);
		appendStringInfoChar(&buf, ')');
		conditions = list_make1(buf.data);
	}
	return compile_chain(qc, scope, path, &query->root, "$", 0, &conditions, true,
						 typed ? ROWS_TYPED : ROWS_TOP);
}

/*
 * query_where_exists: relorm_where_exists(source, relation, where): source
 * rows with a (matching) related row.
 */
char *
query_where_exists(QueryCompiler *qc, Oid source, const char *relation, Jsonb *where,
				   bool typed)
{
	Scope	   *scope = new_scope(qc, source, NULL, NULL);
	RelationInfo *rel = require_relation(source, relation);
	Scope	   *child = new_scope(qc, rel->target.relid, rel->name, NULL);
	char	   *from;
	char	   *corr;
	char	   *filter = "true";

	related_from(qc, rel, scope->alias, child, &from, &corr);
	if (where != NULL)
	{
		if (!JB_ROOT_IS_OBJECT(where) || JB_ROOT_IS_SCALAR(where))
			malformed("$", "a filter must be an object");
		filter = compile_filter(qc, child, &where->root, "$", 0);
	}
	if (typed)
		return psprintf("SELECT true, %s FROM %s %s WHERE EXISTS (SELECT FROM %s WHERE %s AND %s)",
						all_columns(source, scope->alias, NULL), qualified(source), scope->alias,
						from, corr, filter);
	return psprintf("SELECT pg_catalog.row_to_json(%s.*) FROM %s %s WHERE EXISTS (SELECT FROM %s WHERE %s AND %s)",
					scope->alias, qualified(source), scope->alias, from, corr, filter);
}

/*
 * query_join: relorm_join(source, relation, query): flat rows of the source
 * joined to the relation; related columns are "relation.col".
 */
char *
query_join(QueryCompiler *qc, Oid source, const char *relation, Jsonb *query)
{
	static const char *const allowed[] = {"select", "where", "order", "limit", "offset", NULL};
	Scope	   *related;
	Scope	   *scope;
	RelationInfo *rel = require_relation(source, relation);
	StringInfoData items;
	JsonbValue *select;
	JsonbValue *where;
	JsonbValue *order;
	JsonbValue *limit;
	JsonbValue *offset;
	StringInfoData sql;
	char	   *r = new_alias(qc, 'r');
	char	   *base;

	if (!JB_ROOT_IS_OBJECT(query) || JB_ROOT_IS_SCALAR(query))
		malformed("$", "a query must be an object");
	check_keys(&query->root, allowed, "$");
	select = field(&query->root, "select");
	where = field(&query->root, "where");
	order = field(&query->root, "order");
	limit = field(&query->root, "limit");
	offset = field(&query->root, "offset");

	/* the related table is an "earlier" scope: reachable as relation.col */
	base = new_alias(qc, 't');
	related = new_scope(qc, rel->target.relid, rel->name, NULL);
	scope = new_scope(qc, source, NULL, related);
	scope->alias = base;

	initStringInfo(&items);
	if (select == NULL)
		appendStringInfo(&items, "%s, %s", all_columns(source, scope->alias, NULL),
						 all_columns(related->relid, related->alias, rel->name));
	else
	{
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		int			i = 0;

		if (!is_array(select))
			malformed("$.select", "select must be a list");
		it = JsonbIteratorInit(select->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *ipath = psprintf("$.select[%d]", i++);
			char	   *name;
			char	   *dot;
			Oid			type;
			int32		typmod;

			if (tok != WJB_ELEM)
				continue;
			if (v.type != jbvString)
				malformed(ipath, "a join selects column names: \"col\" or \"relation.col\"");
			name = jstr(&v);
			dot = strchr(name, '.');
			if (strcmp(name, "*") == 0)
				appendStringInfo(&items, "%s%s", items.len ? ", " : "",
								 all_columns(source, scope->alias, NULL));
			else if (dot && strncmp(name, rel->name, dot - name) == 0 &&
					 strlen(rel->name) == dot - name)
			{
				if (strcmp(dot + 1, "*") == 0)
					appendStringInfo(&items, "%s%s", items.len ? ", " : "",
									 all_columns(related->relid, related->alias, rel->name));
				else if (column_info(related->relid, dot + 1, &type, &typmod))
					appendStringInfo(&items, "%s%s AS %s", items.len ? ", " : "",
									 column(related->alias, dot + 1), quote_identifier(name));
				else
					no_column(related->relid, dot + 1, ipath);
			}
			else if (column_info(source, name, &type, &typmod))
				appendStringInfo(&items, "%s%s AS %s", items.len ? ", " : "",
								 column(scope->alias, name), quote_identifier(name));
			else
				no_column(source, name, ipath);
		}
		if (items.len == 0)
			malformed("$.select", "select must name at least one column");
	}

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT pg_catalog.row_to_json(%s.*) FROM %s %s%s CROSS JOIN LATERAL (SELECT %s) %s",
					 r, qualified(source), scope->alias,
					 join_step(qc, rel, scope->alias, related), items.data, r);
	if (where != NULL)
	{
		if (!is_object(where))
			malformed("$.where", "a filter must be an object");
		appendStringInfo(&sql, " WHERE %s",
						 compile_filter(qc, scope, where->val.binary.data, "$.where", 0));
	}
	if (order != NULL)
		appendStringInfo(&sql, " ORDER BY %s", order_sql(compile_order(scope, order, "$.order"), NIL));
	if (limit != NULL)
		appendStringInfo(&sql, " LIMIT %s", count_param(qc, limit, "$.limit"));
	if (offset != NULL)
		appendStringInfo(&sql, " OFFSET %s", count_param(qc, offset, "$.offset"));
	return sql.data;
}

/*
 * query_owner_exists: whether the owner row exists (checked when a query
 * of its related rows finds nothing).
 */
char *
query_owner_exists(QueryCompiler *qc, RelationInfo *rel, const KeyList *owner)
{
	StringInfoData buf;
	char	   *s = new_alias(qc, 's');
	int			c;

	initStringInfo(&buf);
	appendStringInfo(&buf, "SELECT EXISTS (SELECT FROM %s %s WHERE ", rel->source.qualified, s);
	for (c = 0; c < owner->columns->ncols; c++)
		appendStringInfo(&buf, "%s%s %s %s", c ? " AND " : "", column(s, owner->columns->names[c]),
						 relorm_operator(owner->columns->types[c], owner->columns->types[c],
										 BTEqualStrategyNumber),
						 param(qc, owner->columns->types[c], owner->values[c][0], false));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}
