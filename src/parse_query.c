/*-------------------------------------------------------------------------
 *
 * parse_query.c
 *	  The query parser: a query object (SPEC §5: select, where, order,
 *	  limit, offset, chain, aggregates) turned into a tree of nodes
 *	  (parse_query.h), as PostgreSQL's parser turns text into a Query.
 *
 * Every name is resolved here: columns to (table, attnum, type, typmod,
 * collation), relations to their RelationInfo, "x.col" to a table of the
 * chain or join being built, an aggregate's alias to the aggregate.  Every
 * value is read here, by the column type's input function (so a bad value
 * is the type's own error), into a typed Datum.  Every error a user can
 * cause is raised here, with the path into the query; printing the tree
 * (deparse_query.c) cannot fail on the input.
 *
 * Tables are QueryTable nodes; names in where and order resolve against
 * the table of their own level, "x.col" against earlier tables of a chain
 * or join (by relation or table name) or a relation of the current table.
 * deparse_query.c gives each table its alias.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "common/hashfn.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "keys.h"
#include "metadata.h"
#include "parse_query.h"

/* ParseState: what parsing one statement keeps track of. */
typedef struct ParseState
{
	int			nvalues;		/* values so far, for MAX_QUERY_PARAMS */
	char	   *eager_mark;		/* eager relation being expanded */
} ParseState;

static QueryRows *parse_rows(ParseState *ps, QueryTable *table, JsonbContainer *query,
							 const char *path, RowsMode mode, int depth, List *forced);
static QueryFilter *parse_filter(ParseState *ps, QueryTable *table, JsonbContainer *filter,
								 const char *path, int depth);
static List *parse_order(QueryTable *table, JsonbValue *order, const char *path);

/* ---- small helpers ---- */

/* malformed raises 22023 with the path into the query. */
static void
malformed(const char *path, const char *message)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("malformed query at %s: %s", path, message)));
}

/* jsonb_root_value: a whole jsonb document as a JsonbValue. */
static void
jsonb_root_value(Jsonb *jb, JsonbValue *v)
{
	if (JB_ROOT_IS_SCALAR(jb))
		JsonbExtractScalar(&jb->root, v);
	else
	{
		v->type = jbvBinary;
		v->val.binary.data = &jb->root;
		v->val.binary.len = VARSIZE(jb);
	}
}

/* require_query_object: 22023 unless a query (or filter) is an object. */
static void
require_query_object(Jsonb *query, const char *message)
{
	if (!JB_ROOT_IS_OBJECT(query) || JB_ROOT_IS_SCALAR(query))
		malformed("$", message);
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
			if (jsonb_value_equals(&v, *a))
				ok = true;
		if (!ok)
			malformed(path, psprintf("unrecognized key \"%s\"", jsonb_value_string(&v)));
	}
}

/* ---- tables and columns ---- */

/* new_table: a table of the statement, reached by `name` (NULL: its own). */
static QueryTable *
new_table(Oid relid, const char *name, QueryTable *earlier)
{
	QueryTable *table = palloc0(sizeof(QueryTable));

	table->relid = relid;
	table->name = name ? name : get_rel_name(relid);
	table->earlier = earlier;
	return table;
}

/* parse_table: a table of the statement, by its own name. */
QueryTable *
parse_table(Oid relid)
{
	return new_table(relid, NULL, NULL);
}

/*
 * relation_table: the table of rel's related rows; through a many_to_many
 * relation it also has its junction row, whose pivot fields "pivot" and
 * "pivot.<col>" name (SPEC §4).
 */
static QueryTable *
relation_table(RelationInfo *rel)
{
	QueryTable *table = new_table(rel->target.relid, rel->name, NULL);

	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		table->junction = new_table(rel->junction.relid, "pivot", NULL);
		table->pivot_rel = rel;
	}
	return table;
}

/* find_column: the column `name` of a table, or NULL. */
static QueryColumn *
find_column(QueryTable *table, const char *name)
{
	AttrNumber	attnum = get_attnum(table->relid, name);
	QueryColumn *col;
	HeapTuple	tuple;

	if (attnum <= 0)
		return NULL;
	col = palloc0(sizeof(QueryColumn));
	col->table = table;
	col->attnum = attnum;
	col->name = pstrdup(name);
	get_atttypetypmodcoll(table->relid, attnum, &col->type, &col->typmod, &col->collation);
	tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(table->relid), Int16GetDatum(attnum));
	if (HeapTupleIsValid(tuple))
	{
		col->notnull = ((Form_pg_attribute) GETSTRUCT(tuple))->attnotnull;
		ReleaseSysCache(tuple);
	}
	return col;
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

/* require_column: the column `name` of a table, or 42703. */
static QueryColumn *
require_column(QueryTable *table, const char *name, const char *path)
{
	QueryColumn *col = find_column(table, name);

	if (col == NULL)
		no_column(table->relid, name, path);
	return col;
}

/*
 * pivot_column: the pivot field `name` of the junction row of table (which
 * has one), or 42703 naming the pivot fields.
 */
static QueryColumn *
pivot_column(QueryTable *table, const char *name, const char *path)
{
	const ColumnSet *pv = &table->pivot_rel->pivot_cols;
	StringInfoData names;
	int			c;

	for (c = 0; c < pv->ncols; c++)
		if (strcmp(pv->names[c], name) == 0)
		{
			QueryColumn *col = find_column(table->junction, name);

			if (col != NULL)
			{
				table->pivot_used = true;
				return col;
			}
		}
	initStringInfo(&names);
	for (c = 0; c < pv->ncols; c++)
		appendStringInfo(&names, "%s%s", c ? ", " : "", pv->names[c]);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("\"%s\" is not a pivot field of relation \"%s\" of table \"%s\"",
					name, table->pivot_rel->name, table->pivot_rel->source.name),
			 errdetail("At %s.", path),
			 names.len > 0
			 ? errhint("The pivot fields of relation \"%s\" are: %s.", table->pivot_rel->name,
					   names.data)
			 : errhint("Relation \"%s\" has no pivot fields.", table->pivot_rel->name)));
	return NULL;				/* keep compiler quiet */
}

/* column_item: a select item of one column under `key`. */
static QuerySelectItem *
column_item(QueryColumn *col, const char *key)
{
	QuerySelectItem *item = palloc0(sizeof(QuerySelectItem));

	item->kind = ITEM_COLUMN;
	item->key = pstrdup(key);
	item->column = col;
	return item;
}

/*
 * all_columns: select items of every column of a table, in order, under
 * their names (prefixed "prefix." when key_prefix is given).
 */
static List *
all_columns(QueryTable *table, const char *key_prefix)
{
	Relation	rel = relation_open(table->relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *items = NIL;
	int			a;

	for (a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);
		QueryColumn *col;

		if (att->attisdropped)
			continue;
		col = palloc0(sizeof(QueryColumn));
		col->table = table;
		col->attnum = att->attnum;
		col->name = pstrdup(NameStr(att->attname));
		col->type = att->atttypid;
		col->typmod = att->atttypmod;
		col->collation = att->attcollation;
		items = lappend(items, column_item(col, key_prefix
										   ? psprintf("%s.%s", key_prefix, col->name)
										   : col->name));
	}
	relation_close(rel, AccessShareLock);
	return items;
}

/* key_columns: the columns of a primary key, over table. */
static List *
key_columns(QueryTable *table, const ColumnSet *key)
{
	List	   *cols = NIL;
	int			c;

	for (c = 0; c < key->ncols; c++)
	{
		QueryColumn *col = palloc0(sizeof(QueryColumn));

		col->table = table;
		col->attnum = key->attnums[c];
		col->name = key->names[c];
		col->type = key->types[c];
		col->typmod = key->typmods[c];
		col->collation = key->collations[c];
		col->notnull = true;
		cols = lappend(cols, col);
	}
	return cols;
}

/* ---- values ---- */

/*
 * value_from_jsonb: a jsonb value as a value of `type` (keys.c,
 * keys_jsonb_value: the one such conversion); a JSON null is a null.
 */
static Datum
value_from_jsonb(Oid type, int32 typmod, JsonbValue *v, bool *isnull)
{
	*isnull = (keys_jsonb_text(v) == NULL);
	return *isnull ? (Datum) 0 : keys_jsonb_value(v, type, typmod);
}

/* new_value: a value of the query (at most MAX_QUERY_PARAMS of them). */
static QueryValue *
new_value(ParseState *ps, Oid type, Datum value, bool isnull)
{
	QueryValue *qv = palloc(sizeof(QueryValue));

	if (ps->nvalues >= MAX_QUERY_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("query has more than %d values", MAX_QUERY_PARAMS),
				 errhint("Give many values of one column as one list: {\"col\": {\"in\": [...]}}.")));
	ps->nvalues++;
	qv->type = type;
	qv->value = value;
	qv->isnull = isnull;
	return qv;
}

/* parse_value: a value of `type` from a jsonb value (not null). */
static QueryValue *
parse_value(ParseState *ps, Oid type, int32 typmod, JsonbValue *v, const char *path)
{
	bool		isnull;
	Datum		d;

	if (v->type == jbvNull)
		malformed(path, "a value must not be null here");
	d = value_from_jsonb(type, typmod, v, &isnull);
	if (isnull)
		malformed(path, "a value must not be null here");
	return new_value(ps, type, d, false);
}

/* parse_array_value: a value of type[] from a jsonb array's elements. */
static QueryValue *
parse_array_value(ParseState *ps, Oid type, int32 typmod, JsonbValue *array,
				  const char *path)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
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

	if (!jsonb_value_is_array(array))
		malformed(path, "a list of values is required");
	if (!OidIsValid(arraytype))
		malformed(path, "the column's type has no array type");
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	it = JsonbIteratorInit(array->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (n == cap)
		{
			cap *= 2;
			elems = repalloc(elems, sizeof(Datum) * cap);
			nulls = repalloc(nulls, sizeof(bool) * cap);
		}
		elems[n] = value_from_jsonb(type, typmod, &v, &nulls[n]);
		n++;
	}
	dims[0] = n;
	return new_value(ps, arraytype,
					 PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, type,
														typlen, typbyval, typalign)),
					 false);
}

/* parse_count: a non-negative integer (limit, offset) as a bigint value. */
static QueryValue *
parse_count(ParseState *ps, JsonbValue *v, const char *path)
{
	int64		n;

	if (v->type != jbvNumeric)
		malformed(path, "a non-negative integer is required");
	/* out of bigint's range (1e400): the same error, not numeric_int8's */
	if (DatumGetBool(DirectFunctionCall2(numeric_lt, NumericGetDatum(v->val.numeric),
										 DirectFunctionCall1(int8_numeric, Int64GetDatum(0)))) ||
		DatumGetBool(DirectFunctionCall2(numeric_gt, NumericGetDatum(v->val.numeric),
										 DirectFunctionCall1(int8_numeric, Int64GetDatum(PG_INT64_MAX)))))
		malformed(path, "a non-negative integer is required");
	n = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric)));
	if (n < 0 || !DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(v->val.numeric),
												   DirectFunctionCall1(int8_numeric, Int64GetDatum(n)))))
		malformed(path, "a non-negative integer is required");
	return new_value(ps, INT8OID, Int64GetDatum(n), false);
}

/* ---- relations ---- */

/* require_relation: the relation, or 42704 with the table's relations. */
static RelationInfo *
require_relation(Oid relid, const char *name)
{
	RelationInfo *rel = relorm_find_relation(relid, name);

	if (rel == NULL)
		relorm_relation_not_found(relid, name);
	return rel;
}

/*
 * find_table: the table a prefix "x" of "x.col" names: this one or an
 * earlier one of a chain/join, by relation name or table name.
 */
static QueryTable *
find_table(QueryTable *table, const char *prefix)
{
	QueryTable *t;

	for (t = table; t != NULL; t = t->earlier)
		if (strcmp(t->name, prefix) == 0 || strcmp(get_rel_name(t->relid), prefix) == 0)
			return t;
	return NULL;
}

/* find_aggregate: an aggregate selected at this level, by alias. */
static QueryAggregate *
find_aggregate(QueryTable *table, const char *name)
{
	ListCell   *lc;

	foreach(lc, table->aggregates)
		if (strcmp(((QueryAggregate *) lfirst(lc))->alias, name) == 0)
			return (QueryAggregate *) lfirst(lc);
	return NULL;
}

/* ---- filters ---- */

/* new_filter: an empty filter node of a kind. */
static QueryFilter *
new_filter(FilterKind kind)
{
	QueryFilter *f = palloc0(sizeof(QueryFilter));

	f->kind = kind;
	return f;
}

/* column_operand: a column as what a filter compares. */
static QueryOperand
column_operand(QueryColumn *col)
{
	QueryOperand o;

	o.column = col;
	o.aggregate = NULL;
	o.type = col->type;
	return o;
}

/*
 * parse_comparison: the comparison `op` of an operand (whose values read
 * with typmod) with the value v.
 */
static QueryFilter *
parse_comparison(ParseState *ps, QueryOperand operand, int32 typmod, const char *op,
				 JsonbValue *v, const char *path)
{
	static const struct
	{
		const char *name;
		CompareOp	op;
	}			cmp[] = {
		{"eq", CMP_EQ}, {"lt", CMP_LT}, {"lte", CMP_LTE}, {"gt", CMP_GT}, {"gte", CMP_GTE}
	};
	static const struct
	{
		const char *name;
		CompareOp	op;
	}			text_ops[] = {
		{"contains", CMP_CONTAINS}, {"starts_with", CMP_STARTS_WITH},
		{"ends_with", CMP_ENDS_WITH}, {"like", CMP_LIKE}, {"ilike", CMP_ILIKE}
	};
	QueryFilter *f = new_filter(FILTER_COMPARE);
	Oid			type = operand.type;
	int			i;

	f->operand = operand;
	for (i = 0; i < lengthof(cmp); i++)
		if (strcmp(op, cmp[i].name) == 0)
		{
			if (v->type == jbvNull)
			{
				if (cmp[i].op != CMP_EQ)
					malformed(path, "only eq and ne compare with null");
				f->op = CMP_IS_NULL;
				return f;
			}
			f->op = cmp[i].op;
			f->value = parse_value(ps, type, typmod, v, path);
			return f;
		}
	if (strcmp(op, "ne") == 0)
	{
		if (v->type == jbvNull)
		{
			f->op = CMP_IS_NOT_NULL;
			return f;
		}
		f->op = CMP_NE;
		f->value = parse_value(ps, type, typmod, v, path);
		return f;
	}
	if (strcmp(op, "in") == 0 || strcmp(op, "not_in") == 0)
	{
		f->op = op[0] == 'n' ? CMP_NOT_IN : CMP_IN;
		f->value = parse_array_value(ps, type, typmod, v, path);
		return f;
	}
	if (strcmp(op, "between") == 0)
	{
		if (!jsonb_value_is_array(v) || JsonContainerSize(v->val.binary.data) != 2)
			malformed(path, "between takes a list of two values");
		f->op = CMP_BETWEEN;
		f->value = parse_value(ps, type, typmod,
							   getIthJsonbValueFromContainer(v->val.binary.data, 0), path);
		f->value2 = parse_value(ps, type, typmod,
								getIthJsonbValueFromContainer(v->val.binary.data, 1), path);
		return f;
	}
	if (strcmp(op, "is_null") == 0)
	{
		if (v->type != jbvBool)
			malformed(path, "is_null takes true or false");
		f->op = v->val.boolean ? CMP_IS_NULL : CMP_IS_NOT_NULL;
		return f;
	}
	for (i = 0; i < lengthof(text_ops); i++)
		if (strcmp(op, text_ops[i].name) == 0)
		{
			if (v->type != jbvString)
				malformed(path, psprintf("%s takes a string", op));
			f->op = text_ops[i].op;
			f->value = parse_value(ps, TEXTOID, -1, v, path);
			return f;
		}
	malformed(path, psprintf("unrecognized operator \"%s\"", op));
	return NULL;				/* keep compiler quiet */
}

/*
 * parse_value_filter: the filter on one operand: a value (equality; null
 * means IS NULL) or an object of operators (all must hold).
 */
static QueryFilter *
parse_value_filter(ParseState *ps, QueryOperand operand, int32 typmod, JsonbValue *v,
				   const char *path)
{
	QueryFilter *all = new_filter(FILTER_ALL);
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;

	if (!jsonb_value_is_object(v))
	{
		if (jsonb_value_is_array(v))
			malformed(path, "use {\"in\": [...]} to compare with a list");
		all->items = list_make1(parse_comparison(ps, operand, typmod, "eq", v, path));
		return all;
	}
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *op;
		JsonbValue	val;

		if (tok != WJB_KEY)
			continue;
		op = jsonb_value_string(&k);
		tok = JsonbIteratorNext(&it, &val, true);
		all->items = lappend(all->items,
							 parse_comparison(ps, operand, typmod, op, &val,
											  psprintf("%s.%s", path, op)));
	}
	if (all->items == NIL)
		malformed(path, "an empty object of operators");
	return all;
}

/* related_filter: a filter of `kind` on the related rows of rel. */
static QueryFilter *
related_filter(FilterKind kind, RelationInfo *rel, QueryTable *parent, QueryTable *child,
			   QueryFilter *related)
{
	QueryFilter *f = new_filter(kind);

	f->rel = rel;
	f->parent = parent;
	f->child = child;
	f->related = related;
	return f;
}

/*
 * parse_relation_filter: {"exists": bool} or {"some"|"every"|"none": f}
 * on the related rows of rel, from table.
 */
static QueryFilter *
parse_relation_filter(ParseState *ps, QueryTable *table, RelationInfo *rel,
					  JsonbValue *v, const char *path, int depth)
{
	static const struct
	{
		const char *name;
		FilterKind	kind;
	}			quantifiers[] = {
		{"some", FILTER_SOME}, {"none", FILTER_NONE}, {"every", FILTER_EVERY}
	};
	QueryTable *child = relation_table(rel);
	JsonbValue *x;
	int			i;

	if (!jsonb_value_is_object(v))
		malformed(path, "a relation filter is {\"exists\": bool} or {\"some\" | \"every\" | \"none\": filter}");
	if ((x = keys_jsonb_field(v->val.binary.data, "exists")) != NULL)
	{
		if (x->type != jbvBool || JsonContainerSize(v->val.binary.data) != 1)
			malformed(path, "exists takes true or false, alone");
		return related_filter(x->val.boolean ? FILTER_EXISTS : FILTER_NOT_EXISTS,
							  rel, table, child, NULL);
	}
	if (JsonContainerSize(v->val.binary.data) != 1)
		malformed(path, "a relation filter has one of exists, some, every, none");
	for (i = 0; i < lengthof(quantifiers); i++)
		if ((x = keys_jsonb_field(v->val.binary.data, quantifiers[i].name)) != NULL && jsonb_value_is_object(x))
			return related_filter(quantifiers[i].kind, rel, table, child,
								  parse_filter(ps, child, x->val.binary.data,
											   psprintf("%s.%s", path, quantifiers[i].name),
											   depth + 1));
	malformed(path, "a relation filter is {\"exists\": bool} or {\"some\" | \"every\" | \"none\": filter}");
	return NULL;				/* keep compiler quiet */
}

/*
 * parse_prefixed_filter: {"x.col": ...}: a column of an earlier table, or
 * of a related row of this one (some related row matches).
 */
static QueryFilter *
parse_prefixed_filter(ParseState *ps, QueryTable *table, const char *key, const char *dot,
					  JsonbValue *v, const char *path)
{
	char	   *prefix = pnstrdup(key, dot - key);
	const char *colname = dot + 1;
	QueryTable *target = find_table(table, prefix);
	RelationInfo *rel;
	QueryColumn *col;

	if (strcmp(prefix, "pivot") == 0 && table->junction != NULL)
	{
		col = pivot_column(table, colname, path);
		return parse_value_filter(ps, column_operand(col), col->typmod, v, path);
	}
	if (target != NULL)
	{
		col = require_column(target, colname, path);
		return parse_value_filter(ps, column_operand(col), col->typmod, v, path);
	}
	if ((rel = relorm_find_relation(table->relid, prefix)) != NULL)
	{
		QueryTable *child = new_table(rel->target.relid, rel->name, NULL);

		col = require_column(child, colname, path);
		return related_filter(FILTER_RELATED_COLUMN, rel, table, child,
							  parse_value_filter(ps, column_operand(col), col->typmod, v, path));
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("\"%s\" names no earlier table and no relation of table \"%s\"",
					prefix, get_rel_name(table->relid)),
			 errdetail("At %s.", path)));
	return NULL;				/* keep compiler quiet */
}

/* parse_filter: a filter object (SPEC §5) on table: every key must hold. */
static QueryFilter *
parse_filter(ParseState *ps, QueryTable *table, JsonbContainer *filter,
			 const char *path, int depth)
{
	QueryFilter *all = new_filter(FILTER_ALL);
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;

	check_stack_depth();
	if (depth > MAX_QUERY_DEPTH * 4)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("filter at %s nests too deeply", path)));
	if (!JsonContainerIsObject(filter))
		malformed(path, "a filter must be an object");

	it = JsonbIteratorInit(filter);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *kpath;
		JsonbValue	v;
		QueryFilter *f;
		QueryColumn *col;
		RelationInfo *rel;
		QueryAggregate *agg;
		char	   *dot;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		kpath = psprintf("%s.%s", path, key);
		JsonbIteratorNext(&it, &v, true);

		if (strcmp(key, "and") == 0 || strcmp(key, "or") == 0)
		{
			JsonbIterator *ai;
			JsonbValue	e;
			int			i = 0;

			if (!jsonb_value_is_array(&v))
				malformed(kpath, psprintf("%s takes a list of filters", key));
			f = new_filter(key[0] == 'a' ? FILTER_AND : FILTER_OR);
			ai = JsonbIteratorInit(v.val.binary.data);
			while ((tok = JsonbIteratorNext(&ai, &e, true)) != WJB_DONE)
			{
				char	   *epath;

				if (tok != WJB_ELEM)
					continue;
				/* 0-based, counting elements only (SPEC §6: $.books.create[1]) */
				epath = psprintf("%s[%d]", kpath, i++);
				if (!jsonb_value_is_object(&e))
					malformed(epath, "a filter must be an object");
				f->items = lappend(f->items, parse_filter(ps, table, e.val.binary.data, epath,
														  depth + 1));
			}
		}
		else if (strcmp(key, "not") == 0)
		{
			if (!jsonb_value_is_object(&v))
				malformed(kpath, "not takes a filter");
			f = new_filter(FILTER_NOT);
			f->items = list_make1(parse_filter(ps, table, v.val.binary.data, kpath, depth + 1));
		}
		else if ((col = find_column(table, key)) != NULL)
			f = parse_value_filter(ps, column_operand(col), col->typmod, &v, kpath);
		else if ((agg = find_aggregate(table, key)) != NULL)
		{
			QueryOperand o;

			o.column = NULL;
			o.aggregate = agg;
			o.type = agg->type;
			f = parse_value_filter(ps, o, -1, &v, kpath);
		}
		else if ((dot = strchr(key, '.')) != NULL)
			f = parse_prefixed_filter(ps, table, key, dot, &v, kpath);
		else if ((rel = relorm_find_relation(table->relid, key)) != NULL)
			f = parse_relation_filter(ps, table, rel, &v, kpath, depth);
		else
		{
			no_column(table->relid, key, kpath);
			f = NULL;			/* keep compiler quiet */
		}
		all->items = lappend(all->items, f);
	}
	return all;
}

/* parse_where: a query's "where" member, which must be an object. */
static QueryFilter *
parse_where(ParseState *ps, QueryTable *table, JsonbValue *where, const char *path,
			int depth)
{
	if (!jsonb_value_is_object(where))
		malformed(path, "a filter must be an object");
	return parse_filter(ps, table, where->val.binary.data, path, depth);
}

/* ---- order ---- */

/*
 * parse_order_direction maps "asc", "desc", "desc nulls last", ... (any
 * case, single spaces) to a direction; anything else is an error.
 */
SortDirection
parse_order_direction(const char *text)
{
	static const struct
	{
		const char *form;
		SortDirection direction;
	}			forms[] = {
		{"asc", SORT_ASC}, {"desc", SORT_DESC},
		{"asc nulls first", SORT_ASC_NULLS_FIRST}, {"asc nulls last", SORT_ASC_NULLS_LAST},
		{"desc nulls first", SORT_DESC_NULLS_FIRST}, {"desc nulls last", SORT_DESC_NULLS_LAST},
		{"nulls first", SORT_NULLS_FIRST}, {"nulls last", SORT_NULLS_LAST}
	};
	int			i;

	for (i = 0; i < lengthof(forms); i++)
		if (pg_strcasecmp(text, forms[i].form) == 0)
			return forms[i].direction;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("order: invalid direction \"%s\"", text),
			 errhint("Use \"asc\" or \"desc\", optionally followed by \"nulls first\" or \"nulls last\".")));
	return SORT_DEFAULT;		/* keep compiler quiet */
}

/* new_order_item: an order item by a column, ascending. */
static QueryOrderItem *
new_order_item(QueryColumn *col)
{
	QueryOrderItem *item = palloc0(sizeof(QueryOrderItem));

	item->column = col;
	item->chain_slot = -1;
	item->direction = SORT_DEFAULT;
	return item;
}

/*
 * related_order_item: "rel.rel2.col", a column of a to-one related row,
 * as an order item over table; NULL when the first name is no relation.
 * A to-many relation on the way is 42809.
 */
static QueryOrderItem *
related_order_item(QueryTable *table, const char *name, const char *path)
{
	char	   *names = pstrdup(name);
	char	   *colname = strrchr(names, '.');
	char	   *step;
	char	   *save = NULL;
	QueryTable *current = table;
	List	   *steps = NIL;
	QueryOrderItem *item;

	*colname++ = '\0';
	for (step = strtok_r(names, ".", &save); step; step = strtok_r(NULL, ".", &save))
	{
		RelationInfo *rel = relorm_find_relation(current->relid, step);
		QueryChainStep *s;

		if (rel == NULL)
		{
			if (steps == NIL)
				return NULL;
			relorm_relation_not_found(current->relid, step);
		}
		if (relation_kind_is_to_many(rel->kind))
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot order by \"%s\": relation \"%s\" of table \"%s\" is to-many",
							name, rel->name, get_rel_name(current->relid)),
					 errdetail("At %s.", path),
					 errhint("Order by an aggregate of it instead: select {\"alias\": {\"relation\": \"%s\", \"min\": \"col\"}} and order by \"alias\".",
							 rel->name)));
		s = palloc(sizeof(QueryChainStep));
		s->rel = rel;
		s->to = new_table(rel->target.relid, rel->name, NULL);
		steps = lappend(steps, s);
		current = s->to;
	}
	if (steps == NIL)
		return NULL;
	item = new_order_item(require_column(current, colname, path));
	item->from = table;
	item->steps = steps;
	return item;
}

/*
 * resolve_order_name: what a name in an order is: a column of this level,
 * an aggregate alias, "pivot.col" of the junction row, "x.col" of an
 * earlier table, or (in a level's order) "rel.col" of a to-one related
 * row.
 */
static QueryOrderItem *
resolve_order_name(QueryTable *table, const char *name, const char *path)
{
	QueryColumn *col;
	QueryAggregate *agg;
	const char *dot;
	QueryOrderItem *related;

	if ((col = find_column(table, name)) != NULL)
		return new_order_item(col);
	if ((agg = find_aggregate(table, name)) != NULL)
	{
		QueryOrderItem *item = new_order_item(NULL);

		item->aggregate = agg;
		return item;
	}
	if ((dot = strchr(name, '.')) != NULL)
	{
		QueryTable *target = find_table(table, pnstrdup(name, dot - name));

		if (table->junction != NULL && dot - name == 5 && strncmp(name, "pivot", 5) == 0)
			return new_order_item(pivot_column(table, dot + 1, path));
		if (target != NULL && (col = find_column(target, dot + 1)) != NULL)
			return new_order_item(col);
		if (table->related_order && dot[1] != '\0' &&
			(related = related_order_item(table, name, path)) != NULL)
			return related;
	}
	no_column(table->relid, name, path);
	return NULL;				/* keep compiler quiet */
}

/*
 * parse_order: the items of an `order` (SPEC §5): "col", "-col",
 * {"col": "desc nulls last"}, or a list of these.
 */
static List *
parse_order(QueryTable *table, JsonbValue *order, const char *path)
{
	List	   *items = NIL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	if (order->type == jbvString)
	{
		char	   *name = jsonb_value_string(order);
		SortDirection direction = SORT_DEFAULT;
		QueryOrderItem *item;

		if (name[0] == '-')
		{
			name++;
			direction = SORT_DESC;
		}
		item = resolve_order_name(table, name, path);
		item->direction = direction;
		return list_make1(item);
	}
	if (jsonb_value_is_object(order))
	{
		it = JsonbIteratorInit(order->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			QueryOrderItem *item;
			char	   *name;
			JsonbValue	dir;

			if (tok != WJB_KEY)
				continue;
			name = jsonb_value_string(&v);
			JsonbIteratorNext(&it, &dir, true);
			if (dir.type != jbvString)
				malformed(psprintf("%s.%s", path, name), "a direction must be a string");
			item = resolve_order_name(table, name, path);
			item->direction = parse_order_direction(jsonb_value_string(&dir));
			items = lappend(items, item);
		}
		return items;
	}
	if (!jsonb_value_is_array(order))
		malformed(path, "order is a column name, an object, or a list of these");
	it = JsonbIteratorInit(order->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *ipath;

		if (tok != WJB_ELEM)
			continue;
		/* 0-based, counting elements only (SPEC §6: $.books.create[1]) */
		ipath = psprintf("%s[%d]", path, i++);
		if (v.type != jbvString && !jsonb_value_is_object(&v))
			malformed(ipath, "an order item is a column name or {\"column\": \"direction\"}");
		items = list_concat(items, parse_order(table, &v, ipath));
	}
	return items;
}

/* option_order: a relation's "order" option over table, errors at path. */
static List *
option_order(QueryTable *table, Jsonb *order, const char *path)
{
	JsonbValue	v;

	jsonb_root_value(order, &v);
	return parse_order(table, &v, path);
}

/*
 * parse_order_option: the relation option "order" over a table (checked
 * when a relation is registered, used by the link statements).
 */
List *
parse_order_option(QueryTable *table, Jsonb *order)
{
	return option_order(table, order, "options.order");
}

/*
 * then_key_order: order items, followed (for determinism) by the columns
 * of the table's primary key that they do not order by already: ordering
 * by one expression twice would only cost the planner a useless sort.
 */
static List *
then_key_order(List *items, QueryTable *table)
{
	ColumnSet	key;
	ListCell   *kc;

	if (!table_primary_key(table->relid, &key))
		return items;
	foreach(kc, key_columns(table, &key))
	{
		QueryColumn *col = lfirst(kc);
		ListCell   *lc;
		bool		present = false;

		foreach(lc, items)
		{
			QueryOrderItem *item = lfirst(lc);

			present |= (item->column != NULL && item->column->table == table &&
						item->column->attnum == col->attnum);
		}
		if (!present)
			items = lappend(items, new_order_item(col));
	}
	return items;
}

/* ---- select ---- */

/* type_is_numeric: sum and avg take it (its base type is of category N). */
static bool
type_is_numeric(Oid type)
{
	char		category;
	bool		preferred;

	get_type_category_preferred(getBaseType(type), &category, &preferred);
	return category == TYPCATEGORY_NUMERIC;
}

/*
 * parse_aggregate: {"relation": r, "count": true | "exists": true |
 * "sum"|"avg"|"min"|"max": "col" | "string_agg": ["col", "sep"],
 * "where": f, "order": o}, and the type it compares as.
 */
static QueryAggregate *
parse_aggregate(ParseState *ps, QueryTable *table, RelationInfo *rel, const char *alias,
				JsonbContainer *spec, const char *path, int depth)
{
	static const char *const allowed[] = {"relation", "count", "exists", "sum", "avg",
	"min", "max", "string_agg", "where", "order", NULL};
	static const struct
	{
		const char *name;
		AggregateKind kind;
	}			fns[] = {
		{"sum", AGG_SUM}, {"avg", AGG_AVG}, {"min", AGG_MIN}, {"max", AGG_MAX}
	};
	QueryAggregate *agg = palloc0(sizeof(QueryAggregate));
	JsonbValue *v;
	JsonbValue *w;
	int			i;

	agg->alias = pstrdup(alias);
	agg->rel = rel;
	agg->child = new_table(rel->target.relid, rel->name, NULL);
	check_keys(spec, allowed, path);
	if ((w = keys_jsonb_field(spec, "where")) != NULL)
		agg->where = parse_where(ps, agg->child, w, psprintf("%s.where", path), depth + 1);
	if (keys_jsonb_field(spec, "count") != NULL)
	{
		agg->kind = AGG_COUNT;
		agg->type = INT8OID;
		return agg;
	}
	if (keys_jsonb_field(spec, "exists") != NULL)
	{
		agg->kind = AGG_EXISTS;
		agg->type = BOOLOID;
		return agg;
	}
	for (i = 0; i < lengthof(fns); i++)
		if ((v = keys_jsonb_field(spec, fns[i].name)) != NULL)
		{
			char	   *fpath = psprintf("%s.%s", path, fns[i].name);

			if (v->type != jbvString)
				malformed(fpath, "the name of a column is required");
			agg->kind = fns[i].kind;
			agg->column = require_column(agg->child, jsonb_value_string(v), fpath);
			if ((agg->kind == AGG_SUM || agg->kind == AGG_AVG) &&
				!type_is_numeric(agg->column->type))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_FUNCTION),
						 errmsg("%s at %s needs a numeric column, and \"%s\" is of type %s",
								fns[i].name, fpath, agg->column->name,
								format_type_be(agg->column->type)),
						 errhint("Use min, max or string_agg for a column of another type.")));
			if ((agg->kind == AGG_MIN || agg->kind == AGG_MAX) &&
				!keys_type_has_aggregate(fns[i].name, agg->column->type))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_FUNCTION),
						 errmsg("%s at %s needs a column whose type is ordered, and \"%s\" is of type %s",
								fns[i].name, fpath, agg->column->name,
								format_type_be(agg->column->type)),
						 agg->column->type == BOOLOID
						 ? errhint("Use \"exists\" with a \"where\" on the column instead.")
						 : errhint("Use count, exists or string_agg for a column of this type.")));
			/* sum and avg compare as numeric, whatever the column's type */
			agg->type = (agg->kind == AGG_SUM || agg->kind == AGG_AVG)
				? NUMERICOID : agg->column->type;
			return agg;
		}
	if ((v = keys_jsonb_field(spec, "string_agg")) != NULL)
	{
		char	   *spath = psprintf("%s.string_agg", path);
		JsonbValue *col;
		JsonbValue *sep;
		JsonbValue *o;

		if (!jsonb_value_is_array(v) || JsonContainerSize(v->val.binary.data) != 2)
			malformed(spath, "string_agg takes [\"column\", \"separator\"]");
		col = getIthJsonbValueFromContainer(v->val.binary.data, 0);
		sep = getIthJsonbValueFromContainer(v->val.binary.data, 1);
		if (col->type != jbvString || sep->type != jbvString)
			malformed(spath, "string_agg takes [\"column\", \"separator\"]");
		agg->kind = AGG_STRING_AGG;
		agg->column = require_column(agg->child, jsonb_value_string(col), spath);
		agg->order = (o = keys_jsonb_field(spec, "order")) != NULL
			? parse_order(agg->child, o, psprintf("%s.order", path))
			: then_key_order(NIL, agg->child);
		agg->type = TEXTOID;
		agg->separator = parse_value(ps, TEXTOID, -1, sep, path);
		return agg;
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
		if (keys_jsonb_field(spec, keys[i]) != NULL)
			n++;
	if (n > 1)
		malformed(path, "an aggregate takes one of count, exists, sum, avg, min, max, string_agg");
	return n == 1;
}

/* the most relations a chain's path may follow (SPEC §7: 54001) */
#define MAX_CHAIN_HOPS MAX_QUERY_DEPTH

/*
 * parse_chain_path: {"chain": "a.b", ...query}: the unique rows (by
 * primary key) at the end of the path from table; `top` for relorm_chain,
 * else nested (an array, or an object when every step is to-one).
 */
static QueryChain *
parse_chain_path(ParseState *ps, QueryTable *table, const char *pathspec,
				 JsonbContainer *query, const char *path, int depth, bool top,
				 RowsMode top_mode)
{
	QueryChain *chain = palloc0(sizeof(QueryChain));
	char	   *steps = pstrdup(pathspec);
	int			nhops;
	char	   *step;
	char	   *save = NULL;
	QueryTable *current = table;
	bool		to_one = true;
	RelationInfo *rel = NULL;
	JsonbValue *o;
	JsonbValue *w;
	ColumnSet	key;
	QueryTable *rows;
	List	   *chain_order = NIL;
	JsonbParseState *state = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	Jsonb	   *rest;
	ListCell   *lc;

	chain->start = table;
	chain->top = top;
	if (steps[0] == '\0' || steps[0] == '.' || steps[strlen(steps) - 1] == '.' ||
		strstr(steps, "..") != NULL)
		malformed(path, "chain needs a path of relations, like \"books.reviews\"");
	nhops = 1;
	for (step = steps; *step; step++)
		if (*step == '.')
			nhops++;
	if (nhops > MAX_CHAIN_HOPS)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("chain path%s has %d relations, more than the limit of %d",
						top ? "" : psprintf(" at %s", path), nhops, MAX_CHAIN_HOPS)));
	for (step = strtok_r(steps, ".", &save); step; step = strtok_r(NULL, ".", &save))
	{
		QueryChainStep *s = palloc(sizeof(QueryChainStep));

		rel = require_relation(current->relid, step);
		s->rel = rel;
		s->to = new_table(rel->target.relid, rel->name, current);
		if (relation_kind_is_to_many(rel->kind))
			to_one = false;
		chain->steps = lappend(chain->steps, s);
		current = s->to;
	}
	if (rel == NULL)
		malformed(path, "chain needs a path of relations, like \"books.reviews\"");
	chain->final = current;
	if (!table_primary_key(current->relid, &key))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("chain needs a primary key on table \"%s\" to return each row once",
						get_rel_name(current->relid))));
	chain->key = key_columns(current, &key);

	if ((w = keys_jsonb_field(query, "where")) != NULL)
		chain->where = parse_where(ps, current, w, psprintf("%s.where", path), depth);
	if ((o = keys_jsonb_field(query, "order")) != NULL)
		chain->order = parse_order(current, o, psprintf("%s.order", path));

	/*
	 * The rows of the final table, taken from the chain's unique rows: in
	 * the order asked (carried as slots), then by key.
	 */
	rows = new_table(current->relid, current->name, NULL);
	foreach(lc, chain->order)
	{
		QueryOrderItem *item = new_order_item(NULL);

		item->chain_slot = foreach_current_index(lc);
		item->slot_table = rows;
		item->direction = ((QueryOrderItem *) lfirst(lc))->direction;
		chain_order = lappend(chain_order, item);
	}
	foreach(lc, key_columns(rows, &key))
		chain_order = lappend(chain_order, new_order_item(lfirst(lc)));

	/* the remaining query (select, limit, offset) applies to the rows */
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(query);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			JsonbValue	val;
			bool		keep = jsonb_value_equals(&v, "select") || jsonb_value_equals(&v, "limit") ||
			jsonb_value_equals(&v, "offset");

			JsonbIteratorNext(&it, &val, true);
			if (keep)
			{
				pushJsonbValue(&state, WJB_KEY, &v);
				pushJsonbValue(&state, WJB_VALUE, &val);
			}
		}
	}
	rest = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	chain->rows = parse_rows(ps, rows, &rest->root, path,
							 top ? top_mode : (to_one ? ROWS_OBJECT : ROWS_ARRAY),
							 depth, chain_order);
	return chain;
}

static QueryRelationItem *parse_relation_item(ParseState *ps, QueryTable *table,
											  RelationInfo *rel, JsonbContainer *query,
											  const char *path, int depth);

/* new_item: a select item of a kind under `key`. */
static QuerySelectItem *
new_item(SelectItemKind kind, const char *key)
{
	QuerySelectItem *item = palloc0(sizeof(QuerySelectItem));

	item->kind = kind;
	item->key = pstrdup(key);
	return item;
}

/*
 * parse_select_object: the items of one object of a select list:
 * relations, aggregates and chains under their keys.  The names of the
 * relations it mentions are added to *mentioned.
 */
static List *
parse_select_object(ParseState *ps, QueryTable *table, JsonbContainer *object,
					const char *ipath, int depth, List **mentioned)
{
	JsonbIterator *oi = JsonbIteratorInit(object);
	JsonbValue	k;
	JsonbIteratorToken tok;
	List	   *items = NIL;

	while ((tok = JsonbIteratorNext(&oi, &k, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *kpath;
		JsonbValue	spec;
		JsonbContainer *query = NULL;
		JsonbValue *relname;
		JsonbValue *chain;
		RelationInfo *rel;
		QuerySelectItem *item;

		if (tok != WJB_KEY)
			continue;
		key = jsonb_value_string(&k);
		kpath = psprintf("%s.%s", ipath, key);
		JsonbIteratorNext(&oi, &spec, true);
		if (spec.type == jbvBool && spec.val.boolean)
			query = NULL;
		else if (jsonb_value_is_object(&spec))
			query = spec.val.binary.data;
		else
			malformed(kpath, "a relation is selected with true or a query object");

		if (query && (chain = keys_jsonb_field(query, "chain")) != NULL)
		{
			static const char *const allowed[] = {"chain", "select", "where", "order",
			"limit", "offset", NULL};

			check_keys(query, allowed, kpath);
			if (chain->type != jbvString)
				malformed(psprintf("%s.chain", kpath), "chain takes a path like \"books.reviews\"");
			item = new_item(ITEM_CHAIN, key);
			item->chain = parse_chain_path(ps, table, jsonb_value_string(chain), query, kpath, depth + 1,
										   false, ROWS_ARRAY);
			items = lappend(items, item);
			continue;
		}
		relname = query ? keys_jsonb_field(query, "relation") : NULL;
		if (relname && relname->type != jbvString)
			malformed(psprintf("%s.relation", kpath), "relation takes a relation name");
		rel = require_relation(table->relid, relname ? jsonb_value_string(relname) : key);
		*mentioned = lappend(*mentioned, rel->name);
		if (query && is_aggregate(query, kpath))
		{
			item = new_item(ITEM_AGGREGATE, key);
			item->aggregate = parse_aggregate(ps, table, rel, key, query, kpath, depth + 1);
			table->aggregates = lappend(table->aggregates, item->aggregate);
			items = lappend(items, item);
			continue;
		}
		item = new_item(ITEM_RELATION, key);
		item->relation = parse_relation_item(ps, table, rel, query, kpath, depth + 1);
		items = lappend(items, item);
	}
	return items;
}

/* the most items one select may have (SPEC §7: 54001) */
#define MAX_SELECT_ITEMS 1600

/* select_key_cmp orders select items by key, for check_select_keys. */
static int
select_key_cmp(const void *a, const void *b)
{
	return strcmp((*(QuerySelectItem *const *) a)->key, (*(QuerySelectItem *const *) b)->key);
}

/*
 * check_select_keys: an alias, relation, aggregate or chain must not take
 * the key of another item or the name of a column of the table (a result
 * object would have two keys of that name, and where / order could not
 * tell which is meant): 42701.  So is a column listed twice (by "*" and
 * by name), which would be two keys as well.
 */
static void
check_select_keys(QueryTable *table, List *items, const char *path)
{
	int			n = list_length(items);
	QuerySelectItem **sorted;
	ListCell   *lc;
	int			i;

	/* PostgreSQL's rows hold at most 1664 columns */
	if (n > MAX_SELECT_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("select at %s has %d items, more than the limit of %d",
						path, n, MAX_SELECT_ITEMS)));
	foreach(lc, items)
	{
		QuerySelectItem *item = lfirst(lc);

		/* where and order would not know the alias from the column */
		if (item->kind != ITEM_COLUMN && get_attnum(table->relid, item->key) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("select at %s names \"%s\", a column of table \"%s\", as an alias",
							path, item->key, get_rel_name(table->relid)),
					 errhint("Give the relation item or aggregate another alias: {\"alias\": {\"relation\": ...}}.")));
	}
	if (n < 2)
		return;
	sorted = palloc(sizeof(QuerySelectItem *) * n);
	foreach(lc, items)
		sorted[foreach_current_index(lc)] = lfirst(lc);
	qsort(sorted, n, sizeof(QuerySelectItem *), select_key_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("select at %s has two items named \"%s\"", path, sorted[i]->key),
					 errhint("Name each column once, and give relation items and aggregates an alias of their own: {\"alias\": {\"relation\": ...}}.")));
	pfree(sorted);
}

/*
 * parse_select_list: the items of a select list over table.  Eager relations
 * that it does not mention are added, once per path.
 */
static List *
parse_select_list(ParseState *ps, QueryTable *table, JsonbValue *select, const char *path,
				  int depth)
{
	List	   *items = NIL;
	List	   *mentioned = NIL;
	ListCell   *lc;

	if (select == NULL)
		items = all_columns(table, NULL);
	else
	{
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		int			i = 0;

		if (!jsonb_value_is_array(select))
			malformed(path, "select must be a list");
		it = JsonbIteratorInit(select->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *ipath;

			if (tok != WJB_ELEM)
				continue;
			/* 0-based, counting elements only (SPEC §6: $.books.create[1]) */
			ipath = psprintf("%s[%d]", path, i++);
			if (v.type == jbvString)
			{
				char	   *name = jsonb_value_string(&v);

				if (strcmp(name, "*") == 0)
					items = list_concat(items, all_columns(table, NULL));
				else
					items = lappend(items, column_item(require_column(table, name, ipath),
													   name));
				continue;
			}
			if (!jsonb_value_is_object(&v))
				malformed(ipath, "a select item is a column name or an object");
			items = list_concat(items, parse_select_object(ps, table, v.val.binary.data,
														   ipath, depth, &mentioned));
		}
	}

	/* eager relations that the select does not mention, once per path */
	foreach(lc, relorm_relations_of(table->relid))
	{
		char	   *name = lfirst(lc);
		RelationInfo *rel;
		char	   *mark;
		ListCell   *m;
		bool		skip = false;
		QuerySelectItem *item;

		foreach(m, mentioned)
			if (strcmp((char *) lfirst(m), name) == 0)
				skip = true;
		if (skip)
			continue;
		rel = relorm_lookup_relation(table->relid, name);
		if (!rel->options.eager)
			continue;
		mark = psprintf("%u:%s", table->relid, name);
		foreach(m, table->eager_path)
			if (strcmp((char *) lfirst(m), mark) == 0)
				skip = true;
		if (skip || depth + 1 > MAX_QUERY_DEPTH)
			continue;
		ps->eager_mark = mark;
		item = new_item(ITEM_RELATION, name);
		item->relation = parse_relation_item(ps, table, rel, NULL,
											 psprintf("%s(eager %s)", path, name), depth + 1);
		items = lappend(items, item);
	}
	if (items == NIL)
		malformed(path, "select must name at least one item");
	check_select_keys(table, items, path);
	return items;
}

/*
 * parse_relation_item: the related row(s) of rel as a nested document:
 * an object or null (to-one), an array never null (to-many).  With
 * "join": true, the parent keeps only rows that have a matching related
 * row.
 */
static QueryRelationItem *
parse_relation_item(ParseState *ps, QueryTable *table, RelationInfo *rel,
					JsonbContainer *query, const char *path, int depth)
{
	static const char *const allowed[] = {"relation", "join", "select", "where", "order",
	"limit", "offset", "pivot", "cursor", "after", NULL};
	QueryRelationItem *item = palloc0(sizeof(QueryRelationItem));
	QueryTable *child = relation_table(rel);
	JsonbValue *join;
	List	   *forced = NIL;
	ListCell   *lc;

	if (depth > MAX_QUERY_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("select nests more than %d levels deep at %s", MAX_QUERY_DEPTH, path)));
	check_stack_depth();
	if (query)
		check_keys(query, allowed, path);
	item->rel = rel;
	item->child = child;

	/* eager relations expanded on the way down are not expanded again */
	foreach(lc, table->eager_path)
		child->eager_path = lappend(child->eager_path, lfirst(lc));
	if (ps->eager_mark)
	{
		child->eager_path = lappend(child->eager_path, ps->eager_mark);
		ps->eager_mark = NULL;
	}

	join = query ? keys_jsonb_field(query, "join") : NULL;
	if (join != NULL)
	{
		JsonbValue *w = keys_jsonb_field(query, "where");

		if (join->type != jbvBool)
			malformed(psprintf("%s.join", path), "join takes true or false");
		if (join->val.boolean)
		{
			/* the same related rows, filtered alike, must exist */
			QueryTable *probe = relation_table(rel);

			item->join = related_filter(FILTER_SOME, rel, table, probe,
										w && jsonb_value_is_object(w)
										? parse_filter(ps, probe, w->val.binary.data,
													   psprintf("%s.where", path), depth)
										: NULL);
		}
	}
	if (rel->options.order != NULL && (query == NULL || keys_jsonb_field(query, "order") == NULL) &&
		relation_kind_is_to_many(rel->kind))
		forced = then_key_order(option_order(child, rel->options.order,
											 psprintf("%s.order", path)),
								child);
	item->rows = parse_rows(ps, child, query, path,
							relation_kind_is_to_many(rel->kind) ? ROWS_ARRAY : ROWS_OBJECT,
							depth, forced);
	return item;
}

/*
 * parse_pivot_item: "pivot": true | ["col", ...] of a level reached
 * through a many_to_many relation: a select item "pivot" holding the
 * junction row's pivot fields (all of them for true), added to items.
 */
static List *
parse_pivot_item(QueryTable *table, List *items, JsonbValue *v, const char *path)
{
	QuerySelectItem *item;

	if (table->junction == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("pivot fields are read through a many_to_many relation"),
				 errdetail("At %s.", path),
				 errhint("Ask for \"pivot\" in the query of a many_to_many relation: in a select item, relorm_query_related or relorm_load_many.")));
	if (v->type == jbvBool && !v->val.boolean)
		return items;
	item = new_item(ITEM_PIVOT, "pivot");
	table->pivot_used = true;
	if (v->type == jbvBool)
	{
		const ColumnSet *pv = &table->pivot_rel->pivot_cols;
		int			c;

		for (c = 0; c < pv->ncols; c++)
			item->pivot_columns = lappend(item->pivot_columns,
										  pivot_column(table, pv->names[c], path));
	}
	else if (jsonb_value_is_array(v))
	{
		JsonbIterator *it = JsonbIteratorInit(v->val.binary.data);
		JsonbValue	e;
		JsonbIteratorToken tok;
		int			i = 0;

		while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
		{
			char	   *epath;

			if (tok != WJB_ELEM)
				continue;
			epath = psprintf("%s[%d]", path, i++);
			if (e.type != jbvString)
				malformed(epath, "pivot lists the names of pivot fields");
			item->pivot_columns = lappend(item->pivot_columns,
										  pivot_column(table, jsonb_value_string(&e), epath));
		}
	}
	else
		malformed(path, "pivot takes true or a list of pivot field names");
	return lappend(items, item);
}

/* order_item_type: the type (and typmod) of an order item's values. */
static Oid
order_item_type(QueryOrderItem *item, int32 *typmod)
{
	*typmod = -1;
	if (item->column != NULL)
	{
		*typmod = item->column->typmod;
		return item->column->type;
	}
	if (item->aggregate != NULL)
		return item->aggregate->type;
	elog(ERROR, "a chain's order item has no type of its own");
	return InvalidOid;			/* keep compiler quiet */
}

/*
 * cursor_shape: a number that tells a level's order (its table, and each
 * item's column, path or aggregate and direction) from another's, so that
 * a cursor continues only a query of its own shape.  Made of names, not
 * OIDs or attribute numbers, so that a cursor stays valid across a dump
 * and restore of the same schema.
 */
static uint32
cursor_shape(QueryRows *rows)
{
	StringInfoData shape;
	ListCell   *lc;

	initStringInfo(&shape);
	appendStringInfo(&shape, "%s.%s",
					 get_namespace_name(get_rel_namespace(rows->table->relid)),
					 get_rel_name(rows->table->relid));
	foreach(lc, rows->order)
	{
		QueryOrderItem *item = lfirst(lc);
		ListCell   *sc;

		appendStringInfo(&shape, "|%d:", (int) item->direction);
		foreach(sc, item->steps)
			appendStringInfo(&shape, "%s.", ((QueryChainStep *) lfirst(sc))->rel->name);
		if (item->column != NULL)
			appendStringInfo(&shape, "c%s.%s", get_rel_name(item->column->table->relid),
							 item->column->name);
		else if (item->aggregate != NULL)
			appendStringInfo(&shape, "a%s.%d", item->aggregate->alias,
							 (int) item->aggregate->kind);
	}
	return hash_bytes((unsigned char *) shape.data, shape.len) & 0x7fffffff;
}

/* bad_cursor raises 22023 for an "after" that is not a cursor of relorm. */
static void
bad_cursor(const char *path)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("malformed query at %s: not a cursor", path),
			 errhint("Pass the \"cursor\" of the last row of a page, as it came.")));
}

/*
 * parse_keyset: keyset pages of a level (SPEC §5): its order ends with
 * the primary key (then_key_order); "cursor": true adds the item
 * "cursor" to each row; "after" is the cursor of an earlier page's last
 * row, decoded here into one value per order item.  A cursor is base64 of
 * the JSON array [shape, value, ...].
 */
static void
parse_keyset(ParseState *ps, QueryRows *rows, bool cursor, JsonbValue *after,
			 const char *path)
{
	ColumnSet	key;
	int			n = list_length(rows->order);
	char	   *apath = psprintf("%s.after", path);
	ListCell   *lc;

	if (!table_primary_key(rows->table->relid, &key))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("keyset pages need a primary key on table \"%s\"",
						get_rel_name(rows->table->relid)),
				 errdetail("At %s.", path)));
	if (n > 99)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("keyset pages order by at most 99 items, not %d", n),
				 errdetail("At %s.order.", path)));
	rows->cursor_shape = cursor_shape(rows);
	if (cursor)
	{
		QuerySelectItem *item = new_item(ITEM_CURSOR, "cursor");

		item->rows = rows;
		rows->items = lappend(rows->items, item);
	}
	if (after != NULL)
	{
		char	   *text;
		int			len;
		Jsonb	   *jb;
		JsonLexContext *lex;
		JsonbValue *shape;

		if (after->type != jbvString)
			bad_cursor(apath);
		text = palloc(pg_b64_dec_len(after->val.string.len) + 1);
		len = pg_b64_decode(after->val.string.val, after->val.string.len, text,
							pg_b64_dec_len(after->val.string.len));
		if (len <= 0 || memchr(text, '\0', len) != NULL ||
			!pg_verify_mbstr(PG_UTF8, text, len, true))
			bad_cursor(apath);
		text[len] = '\0';
		text = pg_any_to_server(text, len, PG_UTF8);
		lex = makeJsonLexContextCstringLen(text, strlen(text), GetDatabaseEncoding(), true);
		if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
			bad_cursor(apath);
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
		if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb) || JB_ROOT_COUNT(jb) < 1)
			bad_cursor(apath);
		shape = getIthJsonbValueFromContainer(&jb->root, 0);
		if (shape->type != jbvNumeric ||
			!DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(shape->val.numeric),
											  DirectFunctionCall1(int8_numeric,
																  Int64GetDatum(rows->cursor_shape)))) ||
			JB_ROOT_COUNT(jb) != n + 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("malformed query at %s: the cursor was made by a query of another shape",
							apath),
					 errdetail("A cursor continues only a query of the same table and order."),
					 errhint("Start again without \"after\", or keep the query as it was.")));
		foreach(lc, rows->order)
		{
			JsonbValue *v = getIthJsonbValueFromContainer(&jb->root,
														  foreach_current_index(lc) + 1);
			int32		typmod;
			Oid			type = order_item_type(lfirst(lc), &typmod);
			bool		isnull;
			Datum		d = value_from_jsonb(type, typmod, v, &isnull);

			rows->after = lappend(rows->after, new_value(ps, type, d, isnull));
		}
	}
}

/*
 * parse_rows: the rows of a table shaped by a query object (or NULL), as
 * mode asks; `forced` is the order when the query gives none.
 */
static QueryRows *
parse_rows(ParseState *ps, QueryTable *table, JsonbContainer *query, const char *path,
		   RowsMode mode, int depth, List *forced)
{
	static const char *const allowed[] = {"select", "where", "order", "limit", "offset",
	"relation", "join", "of", "pivot", "cursor", "after", NULL};
	QueryRows  *rows = palloc0(sizeof(QueryRows));
	JsonbValue *select = query ? keys_jsonb_field(query, "select") : NULL;
	JsonbValue *where = query ? keys_jsonb_field(query, "where") : NULL;
	JsonbValue *order = query ? keys_jsonb_field(query, "order") : NULL;
	JsonbValue *limit = query ? keys_jsonb_field(query, "limit") : NULL;
	JsonbValue *offset = query ? keys_jsonb_field(query, "offset") : NULL;
	JsonbValue *pivot = query ? keys_jsonb_field(query, "pivot") : NULL;
	JsonbValue *cursor = query ? keys_jsonb_field(query, "cursor") : NULL;
	JsonbValue *after = query ? keys_jsonb_field(query, "after") : NULL;
	bool		keyset;

	rows->table = table;
	rows->mode = mode;
	if (query)
		check_keys(query, allowed, path);

	/* select first: its aggregates may be named in where and order */
	if (mode != ROWS_TYPED)
		rows->items = parse_select_list(ps, table, select, psprintf("%s.select", path), depth);
	else if (select != NULL)
		malformed(psprintf("%s.select", path), "the typed form returns whole rows: leave out select");
	else
		rows->items = all_columns(table, NULL);
	if (mode == ROWS_TYPED && (pivot != NULL || cursor != NULL))
		malformed(psprintf("%s.%s", path, pivot ? "pivot" : "cursor"),
				  "the typed form returns whole rows: use the json form");
	if (pivot != NULL)
		rows->items = parse_pivot_item(table, rows->items, pivot, psprintf("%s.pivot", path));
	if (cursor != NULL && (cursor->type != jbvBool))
		malformed(psprintf("%s.cursor", path), "cursor takes true or false");
	keyset = (cursor != NULL && cursor->val.boolean) || after != NULL;

	if (where != NULL)
		rows->where = parse_where(ps, table, where, psprintf("%s.where", path), depth);
	if (limit)
		rows->limit = parse_count(ps, limit, psprintf("%s.limit", path));
	if (offset)
		rows->offset = parse_count(ps, offset, psprintf("%s.offset", path));
	rows->paged = (limit != NULL || offset != NULL);

	/*
	 * Order: as asked (or the relation's order option), then by key where
	 * the order decides which rows are returned or how an array reads.
	 */
	table->related_order = true;
	rows->order = order ? parse_order(table, order, psprintf("%s.order", path)) : forced;
	table->related_order = false;
	if (mode == ROWS_ARRAY || rows->paged || keyset)
		rows->order = then_key_order(rows->order, table);
	if (keyset)
		parse_keyset(ps, rows, cursor != NULL && cursor->val.boolean, after, path);
	return rows;
}

/* ---- statements ---- */

/* new_statement: a statement of a kind over table. */
static QueryStatement *
new_statement(QueryStatementKind kind, QueryTable *table, bool typed)
{
	QueryStatement *stmt = palloc0(sizeof(QueryStatement));

	stmt->kind = kind;
	stmt->table = table;
	stmt->typed = typed;
	stmt->result_relid = table->relid;
	return stmt;
}

/* owner_values: the owner's key (keys.c has typed it) as values. */
static void
owner_values(ParseState *ps, QueryStatement *stmt, const KeyList *owner)
{
	int			c;

	stmt->owner_key = owner->columns;
	for (c = 0; c < owner->columns->ncols; c++)
		stmt->owner_values = lappend(stmt->owner_values,
									 new_value(ps, owner->columns->types[c],
											   owner->values[c][0], false));
}

/*
 * parse_select: relorm_select(source, query): every row of source matching
 * the query, as json (or, typed, as rows).
 */
QueryStatement *
parse_select(Oid source, Jsonb *query, bool typed)
{
	ParseState	ps = {0};
	QueryStatement *stmt = new_statement(STMT_SELECT, parse_table(source), typed);

	require_query_object(query, "a query must be an object");
	stmt->rows = parse_rows(&ps, stmt->table, &query->root, "$",
							typed ? ROWS_TYPED : ROWS_TOP, 0, NIL);
	return stmt;
}

/*
 * parse_related: relorm_query_related: the owner's related rows shaped by
 * the query, in the relation's order when the query gives none.
 */
QueryStatement *
parse_related(RelationInfo *rel, const KeyList *owner, Jsonb *query, bool typed)
{
	ParseState	ps = {0};
	QueryTable *table = relation_table(rel);
	QueryStatement *stmt = new_statement(STMT_RELATED, table, typed);
	List	   *forced = NIL;

	require_query_object(query, "a query must be an object");
	stmt->rel = rel;
	owner_values(&ps, stmt, owner);
	if (rel->options.order != NULL && keys_jsonb_field(&query->root, "order") == NULL &&
		relation_kind_is_to_many(rel->kind))
		forced = option_order(table, rel->options.order, "$.order");
	stmt->rows = parse_rows(&ps, table, &query->root, "$", typed ? ROWS_TYPED : ROWS_TOP,
							0, forced);
	return stmt;
}

/*
 * parse_related_aggregate: relorm_count_related / relorm_exists_related:
 * the owner's related rows matching `where` (or NULL).
 */
QueryStatement *
parse_related_aggregate(RelationInfo *rel, const KeyList *owner, Jsonb *where, bool count)
{
	ParseState	ps = {0};
	QueryTable *table = new_table(rel->target.relid, rel->name, NULL);
	QueryStatement *stmt = new_statement(count ? STMT_RELATED_COUNT : STMT_RELATED_EXISTS,
										 table, false);

	stmt->rel = rel;
	owner_values(&ps, stmt, owner);
	if (where != NULL)
	{
		require_query_object(where, "a filter must be an object");
		stmt->where = parse_filter(&ps, table, &where->root, "$", 0);
	}
	return stmt;
}

/*
 * parse_source_count: relorm_count(source, where): the rows of source
 * matching `where` (or NULL: all).
 */
QueryStatement *
parse_source_count(Oid source, Jsonb *where)
{
	ParseState	ps = {0};
	QueryStatement *stmt = new_statement(STMT_COUNT, parse_table(source), false);

	if (where != NULL)
	{
		require_query_object(where, "a filter must be an object");
		stmt->where = parse_filter(&ps, stmt->table, &where->root, "$", 0);
	}
	return stmt;
}

/*
 * parse_chain: relorm_chain(source, path, query): the rows at the end of
 * the path from the source rows chosen by query.of, each once.
 */
QueryStatement *
parse_chain(Oid source, const char *path, Jsonb *query, bool typed)
{
	static const char *const allowed[] = {"of", "select", "where", "order", "limit",
	"offset", NULL};
	ParseState	ps = {0};
	QueryStatement *stmt = new_statement(STMT_CHAIN, parse_table(source), typed);
	JsonbValue *of;
	List	   *of_key = NIL;
	List	   *of_values = NIL;

	require_query_object(query, "a query must be an object");
	check_keys(&query->root, allowed, "$");
	if ((of = keys_jsonb_field(&query->root, "of")) != NULL)
	{
		ColumnSet	key;
		KeyList    *keys;
		int			c;

		if (!table_primary_key(source, &key))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table \"%s\" has no primary key for \"of\"", get_rel_name(source))));
		keys = keys_from_jsonb(JsonbValueToJsonb(of), &key, "$.of");
		of_key = key_columns(stmt->table, &key);
		for (c = 0; c < key.ncols; c++)
			of_values = lappend(of_values, new_value(&ps, get_array_type(key.types[c]),
													 keys_column_array(keys, c), false));
	}
	stmt->chain = parse_chain_path(&ps, stmt->table, path, &query->root, "$", 0, true,
								   typed ? ROWS_TYPED : ROWS_TOP);
	stmt->chain->of_key = of_key;
	stmt->chain->of_values = of_values;
	stmt->result_relid = stmt->chain->final->relid;
	return stmt;
}

/*
 * parse_where_exists: relorm_where_exists(source, relation, where): source
 * rows with a (matching) related row.
 */
QueryStatement *
parse_where_exists(Oid source, const char *relation, Jsonb *where, bool typed)
{
	ParseState	ps = {0};
	QueryStatement *stmt = new_statement(STMT_WHERE_EXISTS, parse_table(source), typed);
	RelationInfo *rel = require_relation(source, relation);

	stmt->rel = rel;
	stmt->child = new_table(rel->target.relid, rel->name, NULL);
	if (where != NULL)
	{
		require_query_object(where, "a filter must be an object");
		stmt->where = parse_filter(&ps, stmt->child, &where->root, "$", 0);
	}
	if (typed)
	{
		stmt->rows = palloc0(sizeof(QueryRows));
		stmt->rows->table = stmt->table;
		stmt->rows->mode = ROWS_TYPED;
		stmt->rows->items = all_columns(stmt->table, NULL);
	}
	return stmt;
}

/*
 * parse_join_select: a join's select list: "col", "*", "relation.col",
 * "relation.*"; related columns are keyed "relation.col".
 */
static List *
parse_join_select(QueryStatement *stmt, JsonbValue *select)
{
	QueryTable *source = stmt->table;
	QueryTable *related = stmt->child;
	const char *relname = stmt->rel->name;
	List	   *items = NIL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	if (select == NULL)
		return list_concat(all_columns(source, NULL), all_columns(related, relname));
	if (!jsonb_value_is_array(select))
		malformed("$.select", "select must be a list");
	it = JsonbIteratorInit(select->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *ipath = psprintf("$.select[%d]", i++);
		char	   *name;
		char	   *dot;

		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvString)
			malformed(ipath, "a join selects column names: \"col\" or \"relation.col\"");
		name = jsonb_value_string(&v);
		dot = strchr(name, '.');
		if (strcmp(name, "*") == 0)
			items = list_concat(items, all_columns(source, NULL));
		else if (dot && strncmp(name, relname, dot - name) == 0 &&
				 strlen(relname) == dot - name)
		{
			if (strcmp(dot + 1, "*") == 0)
				items = list_concat(items, all_columns(related, relname));
			else
				items = lappend(items, column_item(require_column(related, dot + 1, ipath),
												   name));
		}
		else
			items = lappend(items, column_item(require_column(source, name, ipath), name));
	}
	if (items == NIL)
		malformed("$.select", "select must name at least one column");
	return items;
}

/*
 * parse_join: relorm_join(source, relation, query): flat rows of the source
 * joined to the relation; the related table is reachable as "relation.col".
 */
QueryStatement *
parse_join(Oid source, const char *relation, Jsonb *query)
{
	static const char *const allowed[] = {"select", "where", "order", "limit", "offset", NULL};
	ParseState	ps = {0};
	RelationInfo *rel = require_relation(source, relation);
	QueryTable *related = new_table(rel->target.relid, rel->name, NULL);
	QueryStatement *stmt = new_statement(STMT_JOIN, new_table(source, NULL, related), false);
	QueryRows  *rows = palloc0(sizeof(QueryRows));
	JsonbValue *where;
	JsonbValue *order;
	JsonbValue *limit;
	JsonbValue *offset;

	stmt->rel = rel;
	stmt->child = related;
	stmt->rows = rows;
	rows->table = stmt->table;
	rows->mode = ROWS_TOP;
	require_query_object(query, "a query must be an object");
	check_keys(&query->root, allowed, "$");
	where = keys_jsonb_field(&query->root, "where");
	order = keys_jsonb_field(&query->root, "order");
	limit = keys_jsonb_field(&query->root, "limit");
	offset = keys_jsonb_field(&query->root, "offset");

	rows->items = parse_join_select(stmt, keys_jsonb_field(&query->root, "select"));
	if (where != NULL)
		rows->where = parse_where(&ps, stmt->table, where, "$.where", 0);
	if (order != NULL)
		rows->order = parse_order(stmt->table, order, "$.order");
	if (limit != NULL)
		rows->limit = parse_count(&ps, limit, "$.limit");
	if (offset != NULL)
		rows->offset = parse_count(&ps, offset, "$.offset");
	rows->paged = (limit != NULL || offset != NULL);
	return stmt;
}

/*
 * parse_filter_on: a filter object (SPEC §5 where) over one table, for
 * the write parser (connect, set, disconnect, delete, update filters);
 * errors name `path`.
 */
QueryFilter *
parse_filter_on(QueryTable *table, JsonbContainer *filter, const char *path)
{
	ParseState	ps = {0};

	return parse_filter(&ps, table, filter, path, 0);
}
