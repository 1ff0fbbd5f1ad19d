/*-------------------------------------------------------------------------
 *
 * deparse_query.c
 *	  Printing a parsed query (parse_query.h) as ONE SQL statement, as
 *	  ruleutils.c prints a Query.  Everything is printed through deparse.h:
 *	  names quoted and tables schema-qualified, operators OPERATOR(schema.op)
 *	  from the column types' btree families, functions qualified, and every
 *	  value of the query a typed parameter of the SqlBuf.  Names were
 *	  resolved and values read by the parser, so nothing here fails on the
 *	  input.
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
 *	one owner's related rows (relorm_query_related, _count_related,
 *	_exists_related), when the foreign key references the owner's key: the
 *	child's or junction's owner columns compared with the key parameters
 *	themselves (so Citus can route the statement and partitions prune), the
 *	owner's existence a one-time filter:
 *			direct:   WHERE t.fk = $1 AND EXISTS (SELECT FROM source s
 *					  WHERE s.id = $1)
 *			junction: WHERE EXISTS (SELECT FROM junction j WHERE j.js = $1
 *					  AND j.jt = t.tc) AND EXISTS (SELECT FROM source s
 *					  WHERE s.id = $1)
 *		else through the source row:
 *			EXISTS (SELECT FROM source s [JOIN junction j ON j.js = s.sc]
 *			WHERE s.sc = t.tc (or j.jt = t.tc) AND s.id = $1)
 *
 * Every table gets its own alias (t0, t1, ...), so the same table may
 * appear at any depth.  Aliases and parameters are numbered in the order
 * they are printed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "deparse_query.h"
#include "metadata.h"

static char *deparse_rows(SqlBuf *buf, QueryRows *rows, const char *from, List *conditions);
static char *deparse_filter(SqlBuf *buf, QueryFilter *filter);

/* ---- small printers ---- */

/* new_table_alias: the next table alias, given to a table of the tree. */
static char *
new_table_alias(SqlBuf *buf, QueryTable *table)
{
	table->alias = deparse_alias(buf, 't');
	return table->alias;
}

/* column_sql: alias."name" of a column of the tree. */
static char *
column_sql(QueryColumn *col)
{
	Assert(col->table->alias != NULL);
	return deparse_column(col->table->alias, col->name);
}

/* value_sql: "$n::type" of a value of the query. */
static char *
value_sql(SqlBuf *buf, QueryValue *value)
{
	return deparse_value(buf, value->type, value->value, value->isnull);
}

/* join_list: the strings of a list joined by a separator. */
static char *
join_list(List *strings, const char *separator)
{
	StringInfoData out;
	ListCell   *lc;

	initStringInfo(&out);
	foreach(lc, strings)
		appendStringInfo(&out, "%s%s", foreach_current_index(lc) ? separator : "",
						 (char *) lfirst(lc));
	return out.data;
}

/*
 * related_from is deparse_related_from for a child table of the tree: the
 * junction of a many_to_many relation gets its alias as the child's
 * junction table, so that pivot fields ("pivot", "pivot.<col>") can be
 * printed.  The SQL is the same.
 */
static void
related_from(SqlBuf *buf, RelationInfo *rel, const char *parent, QueryTable *child,
			 char **from, char **corr)
{
	char	   *j;

	if (rel->kind != RELORM_MANY_TO_MANY || child->junction == NULL)
	{
		deparse_related_from(buf, rel, parent, child->alias, from, corr);
		return;
	}
	j = deparse_alias(buf, 'j');
	child->junction->alias = j;
	*from = psprintf("%s %s JOIN %s %s ON %s", rel->junction.qualified, j,
					 rel->target.qualified, child->alias,
					 deparse_columns_eq(j, &rel->junction_target_cols, child->alias,
										&rel->target_cols));
	*corr = deparse_columns_eq(j, &rel->junction_source_cols, parent, &rel->source_cols);
}

/* ---- filters ---- */

/* operand_sql: the expression a comparison compares. */
static char *
operand_sql(QueryOperand *operand)
{
	if (operand->column != NULL)
		return column_sql(operand->column);
	if (operand->aggregate->sql == NULL)
		elog(ERROR, "aggregate \"%s\" named before it is printed", operand->aggregate->alias);
	return operand->aggregate->sql;
}

/*
 * deparse_comparison: one comparison, e.g.
 * "(a.year OPERATOR(pg_catalog.>=) $3::integer)".
 */
static char *
deparse_comparison(SqlBuf *buf, QueryFilter *f)
{
	static const int16 strategies[] = {
		[CMP_EQ] = BTEqualStrategyNumber,[CMP_LT] = BTLessStrategyNumber,
		[CMP_LTE] = BTLessEqualStrategyNumber,[CMP_GT] = BTGreaterStrategyNumber,
		[CMP_GTE] = BTGreaterEqualStrategyNumber
	};
	char	   *expr = operand_sql(&f->operand);
	Oid			type = f->operand.type;
	char	   *textexpr = psprintf("(%s)::pg_catalog.text", expr);
	char	   *eq = NULL;
	char	   *p;

	switch (f->op)
	{
		case CMP_EQ:
		case CMP_LT:
		case CMP_LTE:
		case CMP_GT:
		case CMP_GTE:
			p = value_sql(buf, f->value);
			return psprintf("(%s %s %s)", expr,
							deparse_operator(type, type, strategies[f->op]), p);
		case CMP_NE:
			p = value_sql(buf, f->value);
			return psprintf("(NOT (%s %s %s))", expr,
							deparse_operator(type, type, BTEqualStrategyNumber), p);
		case CMP_IS_NULL:
			return psprintf("(%s IS NULL)", expr);
		case CMP_IS_NOT_NULL:
			return psprintf("(%s IS NOT NULL)", expr);
		case CMP_IN:
		case CMP_NOT_IN:
			p = value_sql(buf, f->value);
			return psprintf("(%s(%s %s ANY (%s)))", f->op == CMP_NOT_IN ? "NOT " : "", expr,
							deparse_operator(type, type, BTEqualStrategyNumber), p);
		case CMP_BETWEEN:
			{
				char	   *hi = value_sql(buf, f->value2);
				char	   *lo = value_sql(buf, f->value);

				return psprintf("(%s %s %s AND %s %s %s)",
								expr, deparse_operator(type, type, BTGreaterEqualStrategyNumber),
								lo,
								expr, deparse_operator(type, type, BTLessEqualStrategyNumber),
								hi);
			}
		case CMP_CONTAINS:
			p = value_sql(buf, f->value);
			return psprintf("(pg_catalog.strpos(%s, %s) OPERATOR(pg_catalog.>) 0)", textexpr, p);
		case CMP_STARTS_WITH:
			p = value_sql(buf, f->value);
			return psprintf("pg_catalog.starts_with(%s, %s)", textexpr, p);
		case CMP_ENDS_WITH:
			p = value_sql(buf, f->value);
			return psprintf("(pg_catalog.right(%s, pg_catalog.length(%s)) OPERATOR(pg_catalog.=) %s)",
							textexpr, p, p);
		case CMP_LIKE:
		case CMP_ILIKE:
			p = value_sql(buf, f->value);
			eq = f->op == CMP_LIKE ? "~~" : "~~*";
			return psprintf("(%s OPERATOR(pg_catalog.%s) %s)", textexpr, eq, p);
	}
	elog(ERROR, "unrecognized comparison %d", (int) f->op);
	return NULL;				/* keep compiler quiet */
}

/*
 * deparse_related_filter: a condition on the related rows of f->rel,
 * hanging off the row of f->parent:
 *
 *	(EXISTS (SELECT FROM <related> WHERE <corr>))				(exists)
 *	EXISTS (SELECT FROM <related> WHERE <corr> AND <filter>)	(some)
 *	(NOT EXISTS (... AND <filter>))							(none)
 *	(NOT EXISTS (... AND (<filter>) IS NOT TRUE))				(every)
 */
static char *
deparse_related_filter(SqlBuf *buf, QueryFilter *f)
{
	char	   *from;
	char	   *corr;
	char	   *related;

	new_table_alias(buf, f->child);
	related_from(buf, f->rel, f->parent->alias, f->child, &from, &corr);
	if (f->kind == FILTER_EXISTS)
		return psprintf("(EXISTS (SELECT FROM %s WHERE %s))", from, corr);
	if (f->kind == FILTER_NOT_EXISTS)
		return psprintf("(NOT EXISTS (SELECT FROM %s WHERE %s))", from, corr);
	related = f->related ? deparse_filter(buf, f->related) : "true";
	if (f->kind == FILTER_NONE)
		return psprintf("(NOT EXISTS (SELECT FROM %s WHERE %s AND %s))", from, corr, related);
	if (f->kind == FILTER_EVERY)
		return psprintf("(NOT EXISTS (SELECT FROM %s WHERE %s AND (%s) IS NOT TRUE))",
						from, corr, related);
	return psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", from, corr, related);
}

/*
 * deparse_filter: a filter as a condition:
 *	all:	f1 AND f2 (true when empty)
 *	and/or:	((f1) AND (f2)) (true / false when empty)
 *	not:	(NOT (f))
 */
static char *
deparse_filter(SqlBuf *buf, QueryFilter *filter)
{
	List	   *parts = NIL;
	ListCell   *lc;

	switch (filter->kind)
	{
		case FILTER_ALL:
			foreach(lc, filter->items)
				parts = lappend(parts, deparse_filter(buf, lfirst(lc)));
			return parts ? join_list(parts, " AND ") : "true";
		case FILTER_AND:
		case FILTER_OR:
			foreach(lc, filter->items)
				parts = lappend(parts, psprintf("(%s)", deparse_filter(buf, lfirst(lc))));
			if (parts == NIL)
				return filter->kind == FILTER_AND ? "true" : "false";
			return psprintf("(%s)", join_list(parts, filter->kind == FILTER_AND ? " AND " : " OR "));
		case FILTER_NOT:
			return psprintf("(NOT (%s))", deparse_filter(buf, linitial(filter->items)));
		case FILTER_COMPARE:
			return deparse_comparison(buf, filter);
		case FILTER_EXISTS:
		case FILTER_NOT_EXISTS:
		case FILTER_SOME:
		case FILTER_NONE:
		case FILTER_EVERY:
		case FILTER_RELATED_COLUMN:
			return deparse_related_filter(buf, filter);
	}
	elog(ERROR, "unrecognized filter kind %d", (int) filter->kind);
	return NULL;				/* keep compiler quiet */
}

/* ---- order ---- */

/* direction_sql: the keywords of a sort direction. */
static const char *
direction_sql(SortDirection direction)
{
	switch (direction)
	{
		case SORT_DEFAULT:
			return "";
		case SORT_ASC:
			return " ASC";
		case SORT_DESC:
			return " DESC";
		case SORT_ASC_NULLS_FIRST:
			return " ASC NULLS FIRST";
		case SORT_ASC_NULLS_LAST:
			return " ASC NULLS LAST";
		case SORT_DESC_NULLS_FIRST:
			return " DESC NULLS FIRST";
		case SORT_DESC_NULLS_LAST:
			return " DESC NULLS LAST";
		case SORT_NULLS_FIRST:
			return " NULLS FIRST";
		case SORT_NULLS_LAST:
			return " NULLS LAST";
	}
	elog(ERROR, "unrecognized sort direction %d", (int) direction);
	return NULL;				/* keep compiler quiet */
}

/* order_expr: the expression an order item sorts by. */
static char *
order_expr(QueryOrderItem *item)
{
	if (item->steps != NIL)
	{
		if (item->sql == NULL)
			elog(ERROR, "related order column \"%s\" named before it is printed",
				 item->column->name);
		return item->sql;
	}
	if (item->column != NULL)
		return column_sql(item->column);
	if (item->aggregate != NULL)
	{
		if (item->aggregate->sql == NULL)
			elog(ERROR, "aggregate \"%s\" named before it is printed", item->aggregate->alias);
		return item->aggregate->sql;
	}
	return psprintf("%s.relorm_c%d", item->slot_table->alias, item->chain_slot);
}

/* order_sql: "e1 DESC, e2" (or with the exprs replaced by names). */
static char *
order_sql(List *items, List *names)
{
	StringInfoData out;
	ListCell   *lc;
	ListCell   *ln = list_head(names);

	initStringInfo(&out);
	foreach(lc, items)
	{
		QueryOrderItem *item = lfirst(lc);

		appendStringInfo(&out, "%s%s%s", out.len ? ", " : "",
						 ln ? (char *) lfirst(ln) : order_expr(item),
						 direction_sql(item->direction));
		if (ln)
			ln = lnext(names, ln);
	}
	return out.data;
}

/*
 * deparse_related_order: the expression of an order item that names a
 * column of a to-one related row ("author.name"), as a scalar subquery:
 *
 *	(SELECT c.name FROM author c WHERE t.author_id = c.id [JOIN ...] LIMIT 1)
 */
static void
deparse_related_order(SqlBuf *buf, QueryOrderItem *item)
{
	StringInfoData from;
	char	   *corr = NULL;
	const char *prev = item->from->alias;
	ListCell   *lc;

	initStringInfo(&from);
	foreach(lc, item->steps)
	{
		QueryChainStep *step = lfirst(lc);

		new_table_alias(buf, step->to);
		if (corr == NULL)
		{
			char	   *f;

			deparse_related_from(buf, step->rel, prev, step->to->alias, &f, &corr);
			appendStringInfoString(&from, f);
		}
		else
			appendStringInfoString(&from, deparse_join_step(buf, step->rel, prev,
															step->to->alias));
		prev = step->to->alias;
	}
	item->sql = psprintf("(SELECT %s FROM %s WHERE %s LIMIT 1)", column_sql(item->column),
						 from.data, corr);
}

/*
 * deparse_keyset: the rows after a cursor's values in the level's order
 * (the order ends with the key, so it is total).  When every item is a
 * NOT NULL column sorted the same way, a row comparison that an index on
 * the order columns answers, reading only the page:
 *
 *	(t.a, t.id) OPERATOR(pg_catalog.>) ($1::int4, $2::int4)
 *
 * else, item by item, with NULLs where the direction puts them:
 *
 *	(a > $1 [OR a IS NULL]) OR (a = $1 AND (b > $2 ...)) ...
 */
static char *
deparse_keyset(SqlBuf *buf, QueryRows *rows, List *exprs)
{
	List	   *values = NIL;
	List	   *ops = NIL;
	bool		row_form = true;
	bool		first_desc = false;
	ListCell   *lc;
	ListCell   *lv;
	char	   *result = NULL;
	int			i;

	forboth(lc, rows->order, lv, rows->after)
	{
		QueryOrderItem *item = lfirst(lc);
		QueryValue *value = lfirst(lv);
		bool		desc = item->direction == SORT_DESC || item->direction == SORT_DESC_NULLS_FIRST ||
		item->direction == SORT_DESC_NULLS_LAST;
		bool		plain = item->direction == SORT_DEFAULT || item->direction == SORT_ASC ||
		item->direction == SORT_DESC;

		values = lappend(values, value->isnull ? NULL : value_sql(buf, value));
		ops = lappend(ops, deparse_operator(value->type, value->type,
											desc ? BTLessStrategyNumber : BTGreaterStrategyNumber));
		if (foreach_current_index(lc) == 0)
			first_desc = desc;
		if (!plain || desc != first_desc || value->isnull || item->column == NULL ||
			item->steps != NIL || !item->column->notnull ||
			strcmp(llast(ops), linitial(ops)) != 0)
			row_form = false;
	}
	if (row_form)
		return psprintf("((%s) %s (%s))", join_list(exprs, ", "), (char *) linitial(ops),
						join_list(values, ", "));

	/* from the last item back: after_i OR (eq_i AND <the rest>) */
	for (i = list_length(rows->order) - 1; i >= 0; i--)
	{
		QueryOrderItem *item = list_nth(rows->order, i);
		QueryValue *value = list_nth(rows->after, i);
		char	   *e = list_nth(exprs, i);
		char	   *v = list_nth(values, i);
		bool		nulls_first = item->direction == SORT_ASC_NULLS_FIRST ||
		item->direction == SORT_NULLS_FIRST || item->direction == SORT_DESC ||
		item->direction == SORT_DESC_NULLS_FIRST;
		char	   *after;
		char	   *eq;

		if (item->direction == SORT_NULLS_FIRST || item->direction == SORT_NULLS_LAST)
			nulls_first = item->direction == SORT_NULLS_FIRST;
		if (v == NULL)
		{
			after = nulls_first ? psprintf("(%s IS NOT NULL)", e) : "false";
			eq = psprintf("(%s IS NULL)", e);
		}
		else
		{
			bool		never_null = item->column != NULL && item->steps == NIL &&
			item->column->notnull;

			after = psprintf("(%s %s %s%s)", e, (char *) list_nth(ops, i), v,
							 nulls_first || never_null ? "" : psprintf(" OR %s IS NULL", e));
			eq = psprintf("(%s %s %s)", e,
						  deparse_operator(value->type, value->type, BTEqualStrategyNumber), v);
		}
		result = result == NULL ? after
			: psprintf("(%s OR (%s AND %s))", after, eq, result);
	}
	return result;
}

/*
 * deparse_order_option: the ORDER BY items of a relation's "order" option
 * over the columns of relid aliased `alias` (for the link statements).
 */
char *
deparse_order_option(Oid relid, const char *alias, Jsonb *order)
{
	QueryTable *table = parse_table(relid);
	List	   *items = parse_order_option(table, order);

	table->alias = pstrdup(alias);
	return order_sql(items, NIL);
}

/* ---- select ---- */

/*
 * deparse_aggregate: an aggregate over the related rows of table, as a
 * scalar subquery:
 *
 *	(SELECT pg_catalog.count(*) FROM <related> WHERE <corr> AND <where>)
 *	EXISTS (SELECT FROM <related> WHERE <corr> AND <where>)
 *	(SELECT pg_catalog.sum(c.col)::pg_catalog.numeric FROM ...)	(sum, avg)
 *	(SELECT pg_catalog.min(c.col) FROM ...)						(min, max)
 *	(SELECT pg_catalog.string_agg((c.col)::pg_catalog.text, $n ORDER BY ...)
 *	 FROM ...)
 */
static char *
deparse_aggregate(SqlBuf *buf, QueryTable *table, QueryAggregate *agg)
{
	char	   *from;
	char	   *corr;
	char	   *where;
	char	   *sep;

	new_table_alias(buf, agg->child);
	deparse_related_from(buf, agg->rel, table->alias, agg->child->alias, &from, &corr);
	where = agg->where ? deparse_filter(buf, agg->where) : "true";
	switch (agg->kind)
	{
		case AGG_COUNT:
			return psprintf("(SELECT pg_catalog.count(*) FROM %s WHERE %s AND %s)",
							from, corr, where);
		case AGG_EXISTS:
			return psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", from, corr, where);
		case AGG_SUM:
		case AGG_AVG:
			return psprintf("(SELECT pg_catalog.%s(%s)::pg_catalog.numeric FROM %s WHERE %s AND %s)",
							agg->kind == AGG_SUM ? "sum" : "avg",
							column_sql(agg->column), from, corr, where);
		case AGG_MIN:
		case AGG_MAX:
			return psprintf("(SELECT pg_catalog.%s(%s) FROM %s WHERE %s AND %s)",
							agg->kind == AGG_MIN ? "min" : "max",
							column_sql(agg->column), from, corr, where);
		case AGG_STRING_AGG:
			sep = value_sql(buf, agg->separator);
			return psprintf("(SELECT pg_catalog.string_agg((%s)::pg_catalog.text, %s%s%s) FROM %s WHERE %s AND %s)",
							column_sql(agg->column), sep,
							agg->order ? " ORDER BY " : "",
							agg->order ? order_sql(agg->order, NIL) : "",
							from, corr, where);
	}
	elog(ERROR, "unrecognized aggregate %d", (int) agg->kind);
	return NULL;				/* keep compiler quiet */
}

/*
 * chain_table_index: the position of table t on a chain's path (0: the
 * start, i: the table of step i), or -1 when it is not on the path (the
 * related rows of a relation filter).
 */
static int
chain_table_index(QueryChain *chain, QueryTable *t)
{
	ListCell   *lc;

	if (t == chain->start)
		return 0;
	foreach(lc, chain->steps)
		if (((QueryChainStep *) lfirst(lc))->to == t)
			return foreach_current_index(lc) + 1;
	return -1;
}

/*
 * chain_filter_tables adds to `set` the positions on the chain's path of
 * the tables filter f names (an aggregate counts as the final table).
 */
static Bitmapset *
chain_filter_tables(QueryChain *chain, QueryFilter *f, Bitmapset *set)
{
	ListCell   *lc;
	int			i;

	if (f == NULL)
		return set;
	check_stack_depth();
	switch (f->kind)
	{
		case FILTER_COMPARE:
			if (f->operand.column == NULL)
				return bms_add_member(set, list_length(chain->steps));
			i = chain_table_index(chain, f->operand.column->table);
			return i >= 0 ? bms_add_member(set, i) : set;
		case FILTER_ALL:
		case FILTER_AND:
		case FILTER_OR:
		case FILTER_NOT:
			foreach(lc, f->items)
				set = chain_filter_tables(chain, lfirst(lc), set);
			return set;
		default:
			if (f->parent && (i = chain_table_index(chain, f->parent)) >= 0)
				set = bms_add_member(set, i);
			return chain_filter_tables(chain, f->related, set);
	}
}

/*
 * chain_link: the condition that row `prev` (of step's source) is related
 * through step's relation to row `cur`, with `conds` (SQL, over prev and
 * earlier levels) inside; `prev_from` says whether prev is a table to scan
 * (a semi-join) or a row already in scope (the parent of a nested chain):
 *
 *	direct, scanned:   EXISTS (SELECT FROM source prev WHERE prev.sc = cur.tc AND conds)
 *	junction, scanned: EXISTS (SELECT FROM junction jN JOIN source prev
 *					   ON jN.js = prev.sc WHERE jN.jt = cur.tc AND conds)
 *	direct, in scope:  prev.sc = cur.tc
 *	junction, in scope: EXISTS (SELECT FROM junction jN WHERE jN.js = prev.sc
 *					   AND jN.jt = cur.tc)
 *	through: as direct, with deparse_through_condition (the middle table's
 *					   semi-join) for prev.sc = cur.tc
 */
static char *
chain_link(SqlBuf *buf, RelationInfo *rel, QueryTable *prev, QueryTable *cur,
		   bool prev_from, List *conds)
{
	char	   *j;
	char	   *w = conds ? psprintf(" AND %s", join_list(conds, " AND ")) : "";

	if (rel->through != NULL)
	{
		/* the middle rows as a semi-join of their own: each far row once */
		char	   *via = deparse_through_condition(buf, rel, prev->alias, cur->alias);

		if (!prev_from)
			return conds ? psprintf("(%s%s)", via, w) : via;
		return psprintf("EXISTS (SELECT FROM %s %s WHERE %s%s)", deparse_table(prev->relid),
						prev->alias, via, w);
	}
	if (rel->kind != RELORM_MANY_TO_MANY)
	{
		char	   *eq = deparse_columns_eq(prev->alias, &rel->source_cols, cur->alias,
										   &rel->target_cols);

		if (!prev_from)
			return conds ? psprintf("(%s%s)", eq, w) : eq;
		return psprintf("EXISTS (SELECT FROM %s %s WHERE %s%s)", deparse_table(prev->relid),
						prev->alias, eq, w);
	}
	j = deparse_alias(buf, 'j');
	if (!prev_from)
		return psprintf("EXISTS (SELECT FROM %s %s WHERE %s AND %s%s)", rel->junction.qualified, j,
						deparse_columns_eq(j, &rel->junction_source_cols, prev->alias, &rel->source_cols),
						deparse_columns_eq(j, &rel->junction_target_cols, cur->alias, &rel->target_cols),
						w);
	return psprintf("EXISTS (SELECT FROM %s %s JOIN %s %s ON %s WHERE %s%s)",
					rel->junction.qualified, j, deparse_table(prev->relid), prev->alias,
					deparse_columns_eq(j, &rel->junction_source_cols, prev->alias, &rel->source_cols),
					deparse_columns_eq(j, &rel->junction_target_cols, cur->alias, &rel->target_cols),
					w);
}

/*
 * deparse_chain: the unique rows (by primary key) at the end of a chain's
 * path T0 (start) ... Tn (final), shaped by its rows.
 *
 * Each hop is a semi-join, so that the cost is linear in hops and rows and
 * each final row is read once: the final rows that some row of the table
 * before reaches, which some row of the table before that reaches, ...
 *
 *	(SELECT z.*, <order exprs> AS relorm_cN FROM Tn z WHERE <where on z>
 *	 AND EXISTS (SELECT FROM Tn-1 y WHERE y.sc = z.tc AND <where on y>
 *		 AND EXISTS (... AND EXISTS (SELECT FROM T0 a WHERE ... AND <of>)))) z
 *
 * A condition on one earlier table goes into that table's semi-join.  An
 * order on an earlier table's column, or a condition naming several
 * tables, needs the paths from the earliest such table Tm on: Tm ... Tn
 * are joined and the first row per final key taken, and the semi-joins
 * lead up to Tm:
 *
 *	(SELECT DISTINCT ON (z.id) z.*, <order exprs> AS relorm_cN
 *	 FROM Tm JOIN ... JOIN Tn z WHERE <conditions> AND EXISTS (<up to Tm>)
 *	 ORDER BY z.id, <order exprs>) z
 *
 * (a nested chain starts from its parent row, T0 being in scope).  Then
 * as deparse_rows, ordered by the relorm_cN and the key.
 */
static char *
deparse_chain(SqlBuf *buf, QueryChain *chain, List *conditions)
{
	int			n = list_length(chain->steps);
	QueryTable **tables = palloc(sizeof(QueryTable *) * (n + 1));
	RelationInfo **rels = palloc(sizeof(RelationInfo *) * (n + 1));
	List	  **level = palloc0(sizeof(List *) * (n + 1));
	List	   *conjuncts = NIL;
	List	   *conds = NIL;
	StringInfoData from;
	StringInfoData inner;
	char	   *link = NULL;
	int			m = n;
	int			i;
	ListCell   *lc;
	List	   *keys = NIL;

	tables[0] = chain->start;
	foreach(lc, chain->steps)
	{
		QueryChainStep *step = lfirst(lc);

		new_table_alias(buf, step->to);
		tables[foreach_current_index(lc) + 1] = step->to;
		rels[foreach_current_index(lc) + 1] = step->rel;
	}

	/* Tm: the earliest table an order item or a many-table condition names */
	foreach(lc, chain->order)
	{
		QueryOrderItem *item = lfirst(lc);

		if (item->column && (i = chain_table_index(chain, item->column->table)) >= 0)
			m = Min(m, i);
	}
	if (chain->where)
		conjuncts = (chain->where->kind == FILTER_ALL || chain->where->kind == FILTER_AND)
			? chain->where->items : list_make1(chain->where);
	foreach(lc, conjuncts)
	{
		Bitmapset  *set = chain_filter_tables(chain, lfirst(lc), NULL);

		if (bms_num_members(set) > 1)
			m = Min(m, bms_next_member(set, -1));
	}

	/* each condition at the level of the one earlier table it names */
	foreach(lc, conjuncts)
	{
		Bitmapset  *set = chain_filter_tables(chain, lfirst(lc), NULL);
		char	   *sql = deparse_filter(buf, lfirst(lc));

		i = bms_num_members(set) == 1 ? bms_next_member(set, -1) : n;
		if (i < m && (i > 0 || chain->top))
			level[i] = lappend(level[i], sql);
		else
			conds = lappend(conds, sql);
	}
	if (m > 0)
		level[0] = list_concat(level[0], conditions);
	else
		conds = list_concat(conds, conditions);

	/* the semi-joins from the start up to Tm */
	for (i = 0; i < m; i++)
	{
		List	   *c = level[i];

		if (link)
			c = lappend(c, link);
		link = chain_link(buf, rels[i + 1], tables[i], tables[i + 1],
						  i > 0 || chain->top, c);
	}

	/* Tm ... Tn joined */
	initStringInfo(&from);
	for (i = m; i < n; i++)
	{
		if (i == 0 && !chain->top)
		{
			char	   *f;
			char	   *corr;

			deparse_related_from(buf, rels[1], tables[0]->alias, tables[1]->alias, &f, &corr);
			appendStringInfoString(&from, f);
			conds = lcons(corr, conds);
			continue;
		}
		if (from.len == 0)
			appendStringInfo(&from, "%s %s", deparse_table(tables[i]->relid), tables[i]->alias);
		appendStringInfoString(&from, deparse_join_step(buf, rels[i + 1], tables[i]->alias,
														tables[i + 1]->alias));
	}
	if (from.len == 0)
		appendStringInfo(&from, "%s %s", deparse_table(tables[n]->relid), tables[n]->alias);
	if (link)
		conds = lappend(conds, link);

	initStringInfo(&inner);
	foreach(lc, chain->key)
		keys = lappend(keys, column_sql(lfirst(lc)));
	if (m < n)
		/* one row per final key, the first in the requested order */
		appendStringInfo(&inner, "(SELECT DISTINCT ON (%s) %s.*", join_list(keys, ", "),
						 chain->final->alias);
	else
		appendStringInfo(&inner, "(SELECT %s.*", chain->final->alias);
	foreach(lc, chain->order)
		appendStringInfo(&inner, ", %s AS relorm_c%d", order_expr(lfirst(lc)),
						 foreach_current_index(lc));
	appendStringInfo(&inner, " FROM %s", from.data);
	if (conds)
		appendStringInfo(&inner, " WHERE %s", join_list(conds, " AND "));
	if (m < n)
	{
		appendStringInfo(&inner, " ORDER BY %s", join_list(keys, ", "));
		if (chain->order)
			appendStringInfo(&inner, ", %s", order_sql(chain->order, NIL));
	}
	appendStringInfo(&inner, ") %s", chain->final->alias);

	/* the final rows, as a derived table of the same alias */
	(void) deparse_alias(buf, 't');
	chain->rows->table->alias = chain->final->alias;
	return deparse_rows(buf, chain->rows, inner.data, NIL);
}

/*
 * deparse_relation_item: the related row(s) of a relation item, hanging
 * off table; with join: true, the parent's condition is added to
 * *conditions.
 */
static char *
deparse_relation_item(SqlBuf *buf, QueryTable *table, QueryRelationItem *item,
					  List **conditions)
{
	char	   *from;
	char	   *corr;

	new_table_alias(buf, item->child);
	related_from(buf, item->rel, table->alias, item->child, &from, &corr);
	if (item->join != NULL)
		*conditions = lappend(*conditions, deparse_filter(buf, item->join));
	return deparse_rows(buf, item->rows, from, list_make1(corr));
}

/*
 * pivot_object_sql: the pivot fields of the junction row as one object,
 * built as every row is (row_to_json):
 *	(SELECT pg_catalog.row_to_json(relorm_p.*) FROM (SELECT j.f1 AS f1, ...) relorm_p)
 */
static char *
pivot_object_sql(QuerySelectItem *item)
{
	List	   *fields = NIL;
	ListCell   *lc;

	foreach(lc, item->pivot_columns)
	{
		QueryColumn *col = lfirst(lc);

		fields = lappend(fields, psprintf("%s AS %s", column_sql(col),
										  quote_identifier(col->name)));
	}
	return psprintf("(SELECT pg_catalog.row_to_json(relorm_p.*) FROM (SELECT %s) relorm_p)",
					join_list(fields, ", "));
}

/*
 * page_names: the names under which a page carries its order values out
 * of the subquery that cuts it (alias.relorm_oN).
 */
static List *
page_names(QueryRows *rows)
{
	List	   *names = NIL;
	int			i;

	for (i = 0; i < list_length(rows->order); i++)
		names = lappend(names, psprintf("%s.relorm_o%d", rows->table->alias, i));
	return names;
}

/*
 * cursor_sql: a row's keyset cursor, base64 of [shape, order values...]
 * (parse_query.c, parse_keyset, reads it back):
 *	pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(
 *		pg_catalog.jsonb_build_array(shape, e1, ...)::pg_catalog.text, 'UTF8'),
 *		'base64'), pg_catalog.chr(10), '')
 */
static char *
cursor_sql(QueryRows *rows)
{
	List	   *exprs = NIL;
	ListCell   *lc;

	if (rows->paged)
		exprs = page_names(rows);
	else
		foreach(lc, rows->order)
			exprs = lappend(exprs, order_expr(lfirst(lc)));
	return psprintf("pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to("
					"(pg_catalog.jsonb_build_array(%u, %s))::pg_catalog.text, 'UTF8'), "
					"'base64'), pg_catalog.chr(10), '')",
					rows->cursor_shape, join_list(exprs, ", "));
}

/*
 * deparse_select_items: the items of a select list, "expr AS key" joined
 * by commas; relations joined with join: true add their condition to
 * *conditions.
 */
static char *
deparse_select_items(SqlBuf *buf, QueryTable *table, List *items, List **conditions)
{
	StringInfoData out;
	ListCell   *lc;

	initStringInfo(&out);
	foreach(lc, items)
	{
		QuerySelectItem *item = lfirst(lc);
		char	   *key = (char *) quote_identifier(item->key);

		if (out.len)
			appendStringInfoString(&out, ", ");
		switch (item->kind)
		{
			case ITEM_COLUMN:
				appendStringInfo(&out, "%s AS %s", column_sql(item->column), key);
				break;
			case ITEM_RELATION:
				appendStringInfo(&out, "(%s) AS %s",
								 deparse_relation_item(buf, table, item->relation, conditions),
								 key);
				break;
			case ITEM_AGGREGATE:
				item->aggregate->sql = deparse_aggregate(buf, table, item->aggregate);
				appendStringInfo(&out, "%s AS %s", item->aggregate->sql, key);
				break;
			case ITEM_CHAIN:
				appendStringInfo(&out, "(%s) AS %s", deparse_chain(buf, item->chain, NIL), key);
				break;
			case ITEM_PIVOT:
				appendStringInfo(&out, "%s AS %s",
								 item->sql ? item->sql : pivot_object_sql(item), key);
				break;
			case ITEM_CURSOR:
				appendStringInfo(&out, "%s AS %s", cursor_sql(item->rows), key);
				break;
		}
	}
	return out.data;
}

/* ---- rows ---- */

/*
 * deparse_rows: the rows of a level (FROM `from`, under `conditions`)
 * shaped as its mode asks.  See the top of this file.
 */
static char *
deparse_rows(SqlBuf *buf, QueryRows *rows, const char *from, List *conditions)
{
	QueryTable *table = rows->table;
	char	   *r = deparse_alias(buf, 'r');
	char	   *items;
	char	   *limit_sql = NULL;
	char	   *offset_sql = NULL;
	char	   *inner_order = NULL;
	char	   *outer_order;
	List	   *paged_names = NIL;
	List	   *inner_extra = NIL;
	StringInfoData sql;
	ListCell   *lc;

	/* columns of to-one related rows that the order names */
	foreach(lc, rows->order)
		if (((QueryOrderItem *) lfirst(lc))->steps != NIL)
			deparse_related_order(buf, lfirst(lc));
	/* a page is cut in a subquery: the junction row's fields travel out */
	foreach(lc, rows->items)
	{
		QuerySelectItem *item = lfirst(lc);

		item->sql = NULL;
		if (item->kind == ITEM_PIVOT && rows->paged)
		{
			inner_extra = lappend(inner_extra, psprintf(", %s AS relorm_pivot",
														pivot_object_sql(item)));
			item->sql = psprintf("%s.relorm_pivot", table->alias);
		}
	}

	if (rows->mode == ROWS_TYPED)
		items = psprintf("true, %s", deparse_select_items(buf, table, rows->items, NULL));
	else
		items = deparse_select_items(buf, table, rows->items, &conditions);
	if (rows->where)
		conditions = lappend(conditions, deparse_filter(buf, rows->where));
	if (rows->after != NIL)
	{
		List	   *exprs = NIL;

		foreach(lc, rows->order)
			exprs = lappend(exprs, order_expr(lfirst(lc)));
		conditions = lappend(conditions, deparse_keyset(buf, rows, exprs));
	}
	if (rows->limit)
		limit_sql = value_sql(buf, rows->limit);
	/* a to-one relation is one row at most, whatever the limit says */
	if (rows->mode == ROWS_OBJECT && limit_sql != NULL)
		limit_sql = psprintf("LEAST(%s, 1)", limit_sql);
	if (rows->offset)
		offset_sql = value_sql(buf, rows->offset);
	if (rows->mode == ROWS_OBJECT && limit_sql == NULL)
		limit_sql = "1";

	if (rows->order)
		inner_order = order_sql(rows->order, NIL);
	outer_order = inner_order;
	if (rows->paged && rows->order)
	{
		paged_names = page_names(rows);
		outer_order = order_sql(rows->order, paged_names);
	}

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	if (rows->mode == ROWS_TYPED)
		appendStringInfoString(&sql, items);
	else if (rows->mode == ROWS_ARRAY)
		appendStringInfo(&sql, "COALESCE(pg_catalog.json_agg(%s.*%s%s), '[]'::pg_catalog.json)", r,
						 outer_order ? " ORDER BY " : "", outer_order ? outer_order : "");
	else
		appendStringInfo(&sql, "pg_catalog.row_to_json(%s.*)", r);

	if (rows->paged)
	{
		/* cut the page first; documents are built for its rows only */
		appendStringInfo(&sql, " FROM (SELECT %s.*", table->alias);
		foreach(lc, rows->order)
			appendStringInfo(&sql, ", %s AS relorm_o%d", order_expr(lfirst(lc)),
							 foreach_current_index(lc));
		foreach(lc, inner_extra)
			appendStringInfoString(&sql, (char *) lfirst(lc));
		appendStringInfo(&sql, " FROM %s", from);
		if (conditions)
			appendStringInfo(&sql, " WHERE %s", join_list(conditions, " AND "));
		if (inner_order)
			appendStringInfo(&sql, " ORDER BY %s", inner_order);
		if (limit_sql)
			appendStringInfo(&sql, " LIMIT %s", limit_sql);
		if (offset_sql)
			appendStringInfo(&sql, " OFFSET %s", offset_sql);
		appendStringInfo(&sql, ") %s", table->alias);
		if (rows->mode != ROWS_TYPED)
			appendStringInfo(&sql, " CROSS JOIN LATERAL (SELECT %s) %s", items, r);
		if (outer_order && rows->mode != ROWS_ARRAY)
			appendStringInfo(&sql, " ORDER BY %s", outer_order);
		return sql.data;
	}

	appendStringInfo(&sql, " FROM %s", from);
	if (rows->mode != ROWS_TYPED)
		appendStringInfo(&sql, " CROSS JOIN LATERAL (SELECT %s) %s", items, r);
	if (conditions)
		appendStringInfo(&sql, " WHERE %s", join_list(conditions, " AND "));
	if (outer_order && rows->mode != ROWS_ARRAY)
		appendStringInfo(&sql, " ORDER BY %s", outer_order);
	if (limit_sql)
		appendStringInfo(&sql, " LIMIT %s", limit_sql);
	return sql.data;
}

/* ---- statements ---- */

/* owner_match: "s.k1 OPERATOR(=) $1 AND ..." for the owner's key values. */
static char *
owner_match(SqlBuf *buf, const char *alias, const ColumnSet *key, List *values,
			int first_param)
{
	List	   *parts = NIL;
	int			c;

	for (c = 0; c < key->ncols; c++)
		parts = lappend(parts,
						psprintf("%s %s %s", deparse_column(alias, key->names[c]),
								 deparse_operator(key->types[c], key->types[c],
												  BTEqualStrategyNumber),
								 first_param > 0
								 ? deparse_param_ref(buf, first_param + c)
								 : value_sql(buf, list_nth(values, c))));
	return join_list(parts, " AND ");
}

/*
 * owner_condition: the rows of table (the target of rel) related to the
 * owner whose key values the statement gives.  See the top of this file.
 */
static char *
owner_condition(SqlBuf *buf, QueryStatement *stmt)
{
	RelationInfo *rel = stmt->rel;
	QueryTable *table = stmt->table;
	const ColumnSet *key = stmt->owner_key;
	char	   *s;
	char	   *from;
	char	   *corr;

	/* a through relation: the owner's far rows (deparse_related_from) */
	if (rel->through != NULL)
	{
		s = deparse_alias(buf, 's');
		deparse_related_from(buf, rel, s, table->alias, &from, &corr);
		return psprintf("EXISTS (SELECT FROM %s %s WHERE %s AND %s)",
						rel->source.qualified, s, corr,
						owner_match(buf, s, key, stmt->owner_values, 0));
	}
	if (columnset_equal(&rel->source_cols, key))
	{
		bool		junction = rel->kind == RELORM_MANY_TO_MANY;
		const ColumnSet *near = junction ? &rel->junction_source_cols : &rel->target_cols;
		char	   *near_alias = junction ? deparse_alias(buf, 'j') : table->alias;
		int			first = buf->nparams + 1;
		List	   *parts = NIL;
		char	   *match;
		int			c;

		for (c = 0; c < near->ncols; c++)
			parts = lappend(parts,
							psprintf("%s %s %s", deparse_column(near_alias, near->names[c]),
									 deparse_operator(near->types[c], key->types[c],
													  BTEqualStrategyNumber),
									 value_sql(buf, list_nth(stmt->owner_values, c))));
		match = join_list(parts, " AND ");
		if (junction)
			match = psprintf("EXISTS (SELECT FROM %s %s WHERE %s AND %s)",
							 rel->junction.qualified, near_alias, match,
							 deparse_columns_eq(near_alias, &rel->junction_target_cols,
												table->alias, &rel->target_cols));
		s = deparse_alias(buf, 's');
		return psprintf("%s AND EXISTS (SELECT FROM %s %s WHERE %s)", match,
						rel->source.qualified, s,
						owner_match(buf, s, key, NIL, first));
	}

	s = deparse_alias(buf, 's');
	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = deparse_alias(buf, 'j');

		return psprintf("EXISTS (SELECT FROM %s %s JOIN %s %s ON %s WHERE %s AND %s)",
						rel->source.qualified, s, rel->junction.qualified, j,
						deparse_columns_eq(j, &rel->junction_source_cols, s, &rel->source_cols),
						deparse_columns_eq(j, &rel->junction_target_cols, table->alias,
										   &rel->target_cols),
						owner_match(buf, s, key, stmt->owner_values, 0));
	}
	return psprintf("EXISTS (SELECT FROM %s %s WHERE %s AND %s)",
					rel->source.qualified, s,
					deparse_columns_eq(s, &rel->source_cols, table->alias, &rel->target_cols),
					owner_match(buf, s, key, stmt->owner_values, 0));
}

/*
 * owner_junction_from: the owner's related rows of a many_to_many
 * relation with their junction rows (whose pivot fields the query reads or
 * names): the FROM items, and in *cond the condition on the owner:
 *
 *	junction j JOIN target t ON j.jt = t.tc
 *	WHERE j.js = $1 AND EXISTS (SELECT FROM source s WHERE s.id = $1)
 *	(or, when the junction does not hold the owner's key:
 *	 EXISTS (SELECT FROM source s WHERE s.sc = j.js AND s.id = $1))
 */
static char *
owner_junction_from(SqlBuf *buf, QueryStatement *stmt, char **cond)
{
	RelationInfo *rel = stmt->rel;
	QueryTable *table = stmt->table;
	const ColumnSet *key = stmt->owner_key;
	const ColumnSet *js = &rel->junction_source_cols;
	char	   *j = deparse_alias(buf, 'j');
	char	   *from;
	char	   *s;

	table->junction->alias = j;
	from = psprintf("%s %s JOIN %s %s ON %s", rel->junction.qualified, j,
					rel->target.qualified, table->alias,
					deparse_columns_eq(j, &rel->junction_target_cols, table->alias,
									   &rel->target_cols));
	if (columnset_equal(&rel->source_cols, key))
	{
		int			first = buf->nparams + 1;
		List	   *parts = NIL;
		int			c;

		for (c = 0; c < js->ncols; c++)
			parts = lappend(parts,
							psprintf("%s %s %s", deparse_column(j, js->names[c]),
									 deparse_operator(js->types[c], key->types[c],
													  BTEqualStrategyNumber),
									 value_sql(buf, list_nth(stmt->owner_values, c))));
		s = deparse_alias(buf, 's');
		*cond = psprintf("%s AND EXISTS (SELECT FROM %s %s WHERE %s)", join_list(parts, " AND "),
						 rel->source.qualified, s, owner_match(buf, s, key, NIL, first));
		return from;
	}
	s = deparse_alias(buf, 's');
	*cond = psprintf("EXISTS (SELECT FROM %s %s WHERE %s AND %s)", rel->source.qualified, s,
					 deparse_columns_eq(s, &rel->source_cols, j, js),
					 owner_match(buf, s, key, stmt->owner_values, 0));
	return from;
}

/*
 * of_condition: a chain's source rows chosen by key:
 *	EXISTS (SELECT FROM ROWS FROM (pg_catalog.unnest($1::int[])) AS k1(k1)
 *			WHERE t0.id OPERATOR(pg_catalog.=) k1.k1)
 */
static char *
of_condition(SqlBuf *buf, QueryChain *chain)
{
	char	   *k = deparse_alias(buf, 'k');
	List	   *unnests = NIL;
	List	   *names = NIL;
	List	   *matches = NIL;
	ListCell   *lc;

	foreach(lc, chain->of_values)
		unnests = lappend(unnests, psprintf("pg_catalog.unnest(%s)", value_sql(buf, lfirst(lc))));
	foreach(lc, chain->of_key)
	{
		QueryColumn *col = lfirst(lc);
		int			n = foreach_current_index(lc) + 1;

		names = lappend(names, psprintf("k%d", n));
		matches = lappend(matches, psprintf("%s %s %s.k%d", column_sql(col),
											deparse_operator(col->type, col->type,
															 BTEqualStrategyNumber),
											k, n));
	}
	return psprintf("EXISTS (SELECT FROM ROWS FROM (%s) AS %s(%s) WHERE %s)",
					join_list(unnests, ", "), k, join_list(names, ", "),
					join_list(matches, " AND "));
}

/*
 * deparse_join: relorm_join: flat rows of the source joined to the
 * relation:
 *	SELECT pg_catalog.row_to_json(r.*) FROM source t JOIN ... related
 *	CROSS JOIN LATERAL (SELECT <columns>) r WHERE ... ORDER BY ... LIMIT ...
 */
static void
deparse_join(SqlBuf *buf, QueryStatement *stmt)
{
	QueryRows  *rows = stmt->rows;
	char	   *r = deparse_alias(buf, 'r');
	char	   *join;

	new_table_alias(buf, stmt->table);
	new_table_alias(buf, stmt->child);
	(void) deparse_alias(buf, 't');
	join = deparse_join_step(buf, stmt->rel, stmt->table->alias, stmt->child->alias);
	appendStringInfo(&buf->sql, "SELECT pg_catalog.row_to_json(%s.*) FROM %s %s%s CROSS JOIN LATERAL (SELECT %s) %s",
					 r, deparse_table(stmt->table->relid), stmt->table->alias, join,
					 deparse_select_items(buf, stmt->table, rows->items, NULL), r);
	if (rows->where)
		appendStringInfo(&buf->sql, " WHERE %s", deparse_filter(buf, rows->where));
	if (rows->order)
		appendStringInfo(&buf->sql, " ORDER BY %s", order_sql(rows->order, NIL));
	if (rows->limit)
		appendStringInfo(&buf->sql, " LIMIT %s", value_sql(buf, rows->limit));
	if (rows->offset)
		appendStringInfo(&buf->sql, " OFFSET %s", value_sql(buf, rows->offset));
}

/*
 * deparse_statement: the statement of a parsed call, appended to buf.
 *	count:	SELECT pg_catalog.count(*) FROM target t WHERE <owner> AND <where>
 *	exists:	SELECT EXISTS (SELECT FROM target t WHERE <owner> AND <where>)
 *	where_exists: SELECT pg_catalog.row_to_json(t.*) | true, <columns>
 *			FROM source t WHERE EXISTS (SELECT FROM <related> WHERE <corr>
 *			AND <where>)
 */
void
deparse_statement(SqlBuf *buf, QueryStatement *stmt)
{
	char	   *from;
	char	   *corr;
	char	   *cond;
	char	   *filter;

	switch (stmt->kind)
	{
		case STMT_SELECT:
			new_table_alias(buf, stmt->table);
			appendStringInfoString(&buf->sql,
								   deparse_rows(buf, stmt->rows,
												psprintf("%s %s", deparse_table(stmt->table->relid),
														 stmt->table->alias),
												NIL));
			return;
		case STMT_RELATED:
			new_table_alias(buf, stmt->table);
			if (stmt->table->pivot_used && stmt->table->junction != NULL)
			{
				from = owner_junction_from(buf, stmt, &cond);
				appendStringInfoString(&buf->sql,
									   deparse_rows(buf, stmt->rows, from, list_make1(cond)));
				return;
			}
			cond = owner_condition(buf, stmt);
			appendStringInfoString(&buf->sql,
								   deparse_rows(buf, stmt->rows,
												psprintf("%s %s", stmt->rel->target.qualified,
														 stmt->table->alias),
												list_make1(cond)));
			return;
		case STMT_RELATED_COUNT:
		case STMT_RELATED_EXISTS:
			new_table_alias(buf, stmt->table);
			cond = owner_condition(buf, stmt);
			filter = stmt->where ? deparse_filter(buf, stmt->where) : "true";
			appendStringInfo(&buf->sql,
							 stmt->kind == STMT_RELATED_COUNT
							 ? "SELECT pg_catalog.count(*) FROM %s %s WHERE %s AND %s"
							 : "SELECT EXISTS (SELECT FROM %s %s WHERE %s AND %s)",
							 stmt->rel->target.qualified, stmt->table->alias, cond, filter);
			return;
		case STMT_CHAIN:
			new_table_alias(buf, stmt->table);
			appendStringInfoString(&buf->sql,
								   deparse_chain(buf, stmt->chain,
												 stmt->chain->of_values
												 ? list_make1(of_condition(buf, stmt->chain))
												 : NIL));
			return;
		case STMT_WHERE_EXISTS:
			new_table_alias(buf, stmt->table);
			new_table_alias(buf, stmt->child);
			deparse_related_from(buf, stmt->rel, stmt->table->alias, stmt->child->alias,
								 &from, &corr);
			filter = stmt->where ? deparse_filter(buf, stmt->where) : "true";
			if (stmt->typed)
				appendStringInfo(&buf->sql, "SELECT true, %s",
								 deparse_select_items(buf, stmt->table, stmt->rows->items, NULL));
			else
				appendStringInfo(&buf->sql, "SELECT pg_catalog.row_to_json(%s.*)",
								 stmt->table->alias);
			appendStringInfo(&buf->sql, " FROM %s %s WHERE EXISTS (SELECT FROM %s WHERE %s AND %s)",
							 deparse_table(stmt->table->relid), stmt->table->alias,
							 from, corr, filter);
			return;
		case STMT_JOIN:
			deparse_join(buf, stmt);
			return;
		case STMT_COUNT:
			new_table_alias(buf, stmt->table);
			appendStringInfo(&buf->sql, "SELECT pg_catalog.count(*) FROM %s %s WHERE %s",
							 deparse_table(stmt->table->relid), stmt->table->alias,
							 stmt->where ? deparse_filter(buf, stmt->where) : "true");
			return;
	}
	elog(ERROR, "unrecognized query statement %d", (int) stmt->kind);
}

/*
 * deparse_owner_exists: whether the owner row exists (checked when a query
 * of its related rows finds nothing):
 *	SELECT EXISTS (SELECT FROM source s WHERE s.id = $1)
 */
void
deparse_owner_exists(SqlBuf *buf, RelationInfo *rel, const KeyList *owner)
{
	char	   *s = deparse_alias(buf, 's');
	List	   *parts = NIL;
	int			c;

	for (c = 0; c < owner->columns->ncols; c++)
		parts = lappend(parts,
						psprintf("%s %s %s", deparse_column(s, owner->columns->names[c]),
								 deparse_operator(owner->columns->types[c],
												  owner->columns->types[c],
												  BTEqualStrategyNumber),
								 deparse_value(buf, owner->columns->types[c],
											   owner->values[c][0], false)));
	appendStringInfo(&buf->sql, "SELECT EXISTS (SELECT FROM %s %s WHERE %s)",
					 rel->source.qualified, s, join_list(parts, " AND "));
}

/*
 * deparse_filter_on: a parsed filter (parse_filter_on) as a condition
 * over its table, which takes `alias` (NULL: the next alias); for the
 * write statements, which print several filters over one row.
 */
char *
deparse_filter_on(SqlBuf *buf, QueryTable *table, QueryFilter *filter, const char *alias)
{
	if (alias != NULL)
		table->alias = pstrdup(alias);
	else
		new_table_alias(buf, table);
	return deparse_filter(buf, filter);
}
