/*-------------------------------------------------------------------------
 *
 * deparse_link.c
 *	  The statements of the link and pivot operations and of the loads
 *	  (SPEC §3-4), built from a relation's metadata with the printers of
 *	  deparse.c (the one SQL builder: names quoted and qualified, operators
 *	  OPERATOR(schema.op), COLLATE where collations differ, every value a
 *	  typed parameter $n bound when the statement runs).
 *
 * Statements are prepared once per (relation, operation, shape) by exec.c.
 * Each builder below shows the statement it produces.  Aliases: s source,
 * t target, j junction, o the owner's row, k the target keys.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "catalog.h"
#include "deparse.h"
#include "deparse_link.h"
#include "deparse_query.h"
#include "metadata.h"

static void append_param(SqlBuf *sb, Oid type, bool array);
static void append_column(SqlBuf *sb, const char *alias, const char *name);
static void append_eq(SqlBuf *sb, const char *lalias, const char *lname, Oid ltype,
					  const char *ralias, const char *rname, Oid rtype);
static void append_columns_eq(SqlBuf *sb, const char *lalias, const ColumnSet *l,
							  const char *ralias, const ColumnSet *r);
static void append_owner_match(SqlBuf *sb, const char *alias, const ColumnSet *key);
static void append_key_json(SqlBuf *sb, const char *alias, const ColumnSet *cols,
							const ColumnSet *names);
static void append_default_order(SqlBuf *sb, RelationInfo *rel);
static void append_order_clause(StringInfo buf, const char *alias, Oid relid,
								Jsonb *order);

/* generic column names of the CTEs o (owner) and k (keys): o1, k1, ... */
static ColumnSet *generic_columns(const ColumnSet *like, const char *prefix);

/* append_param writes the next parameter, "$n::type" or "$n::type[]". */
static void
append_param(SqlBuf *sb, Oid type, bool array)
{
	Oid			argtype = type;

	if (array)
	{
		argtype = get_array_type(type);
		if (!OidIsValid(argtype))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("type %s has no array type", format_type_be(type))));
	}
	sqlbuf_append_param(sb, argtype);
}

/* append_column writes alias."column". */
static void
append_column(SqlBuf *sb, const char *alias, const char *name)
{
	appendStringInfoString(&sb->sql, deparse_column(alias, name));
}

/* append_eq writes "l.a OPERATOR(pg_catalog.=) r.b". */
static void
append_eq(SqlBuf *sb, const char *lalias, const char *lname, Oid ltype,
		  const char *ralias, const char *rname, Oid rtype)
{
	append_column(sb, lalias, lname);
	appendStringInfo(&sb->sql, " %s ", deparse_operator(ltype, rtype, BTEqualStrategyNumber));
	append_column(sb, ralias, rname);
}

/*
 * append_columns_eq writes "l.a1 = r.b1 AND l.a2 = r.b2 ...", under an
 * explicit COLLATE where the two sides' collations differ.
 */
static void
append_columns_eq(SqlBuf *sb, const char *lalias, const ColumnSet *l,
				  const char *ralias, const ColumnSet *r)
{
	appendStringInfoString(&sb->sql, deparse_columns_eq(lalias, l, ralias, r));
}

/*
 * append_owner_columns_eq writes the condition that the junction's or
 * child's owner columns `near` (of alias) name the owner: when they
 * reference the owner's key itself, compared with the key's parameters
 * ($1 ...), so that a partitioned or distributed junction or child table
 * is pruned (or routed, with Citus) by the owner at planning (SPEC §8):
 *
 *	j.js1 = $1::integer
 *
 * and else through the row that holds the referenced columns:
 *
 *	j.js1 = o.o1
 */
static void
append_owner_columns_eq(SqlBuf *sb, RelationInfo *rel, const char *alias,
						const ColumnSet *near, const char *other, const ColumnSet *other_cols)
{
	int			c;

	if (!columnset_equal(&rel->source_cols, rel->owner_key))
	{
		append_columns_eq(sb, alias, near, other, other_cols);
		return;
	}
	for (c = 0; c < near->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, " AND ");
		append_column(sb, alias, near->names[c]);
		appendStringInfo(&sb->sql, " %s %s",
						 deparse_operator(near->types[c], rel->owner_key->types[c],
										  BTEqualStrategyNumber),
						 deparse_param_ref(sb, c + 1));
	}
}

/*
 * append_columns_differ writes a condition true when l differs from r
 * (r never null): "(l.a1 IS NULL OR NOT l.a1 = r.b1 OR ...)".
 */
static void
append_columns_differ(SqlBuf *sb, const char *lalias, const ColumnSet *l,
					  const char *ralias, const ColumnSet *r)
{
	int			c;

	appendStringInfoChar(&sb->sql, '(');
	for (c = 0; c < l->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, " OR ");
		append_column(sb, lalias, l->names[c]);
		appendStringInfoString(&sb->sql, " IS NULL OR NOT ");
		append_eq(sb, lalias, l->names[c], l->types[c],
				  ralias, r->names[c], r->types[c]);
		appendStringInfoString(&sb->sql, deparse_collate(l->collations[c], r->collations[c]));
	}
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * append_values_differ writes a condition true when la.col and ra.col
 * differ, NULL counting as a value:
 *	((la.c IS NULL) <> (ra.c IS NULL) OR NOT la.c = ra.c)
 * Types without a btree equality are compared as text.
 */
static void
append_values_differ(SqlBuf *sb, const char *la, const char *ra,
					 const char *column, Oid type)
{
	TypeCacheEntry *tc = lookup_type_cache(getBaseType(type), TYPECACHE_BTREE_OPFAMILY);
	const char *cast = OidIsValid(tc->btree_opf) ? "" : "::pg_catalog.text";
	char	   *op = deparse_operator(OidIsValid(tc->btree_opf) ? type : TEXTOID,
								  OidIsValid(tc->btree_opf) ? type : TEXTOID,
								  BTEqualStrategyNumber);
	const char *q = quote_identifier(column);

	appendStringInfo(&sb->sql,
					 "((%s.%s IS NULL) OPERATOR(pg_catalog.<>) (%s.%s IS NULL) OR NOT (%s.%s%s %s %s.%s%s))",
					 la, q, ra, q, la, q, cast, op, ra, q, cast);
}

/* append_owner_match writes "s.id = $1 AND ..." for the owner's key. */
static void
append_owner_match(SqlBuf *sb, const char *alias, const ColumnSet *key)
{
	int			c;

	for (c = 0; c < key->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, " AND ");
		append_column(sb, alias, key->names[c]);
		appendStringInfo(&sb->sql, " %s ",
						 deparse_operator(key->types[c], key->types[c], BTEqualStrategyNumber));
		append_param(sb, key->types[c], false);
	}
}

/* append_select_list writes "alias.a AS p1, alias.b AS p2". */
static void
append_select_list(SqlBuf *sb, const char *alias, const ColumnSet *cols,
				   const ColumnSet *as)
{
	int			c;

	for (c = 0; c < cols->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, ", ");
		append_column(sb, alias, cols->names[c]);
		appendStringInfo(&sb->sql, " AS %s", quote_identifier(as->names[c]));
	}
}

/* append_column_list writes "a, b" (unqualified, for INSERT). */
static void
append_column_list(SqlBuf *sb, const char *alias, const ColumnSet *cols)
{
	int			c;

	for (c = 0; c < cols->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, ", ");
		if (alias)
			append_column(sb, alias, cols->names[c]);
		else
			appendStringInfoString(&sb->sql, quote_identifier(cols->names[c]));
	}
}

/*
 * append_owner_cte writes the CTE of the owner's join columns:
 *
 *	o AS (SELECT s.ref1 AS o1, ... FROM source s WHERE s.id = $1)
 */
static void
append_owner_cte(SqlBuf *sb, RelationInfo *rel, const ColumnSet *ocols)
{
	appendStringInfoString(&sb->sql, "o AS (SELECT ");
	append_select_list(sb, "s", &rel->source_cols, ocols);
	appendStringInfo(&sb->sql, " FROM %s s WHERE ", rel->source.qualified);
	append_owner_match(sb, "s", rel->owner_key);
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * append_keys_cte writes the CTE of the target keys with their position,
 * and for pivot operations each key's pivot fields as "pivot" (only when
 * the call gives some: pivot_used):
 *
 *	one:  k AS (SELECT $2::int4 AS k1, [$3::jsonb AS pivot,] 1::int8 AS ord)
 *	many: k AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($2::int4[]), ...
 *				[, pg_catalog.unnest($3::text[])]) WITH ORDINALITY
 *				AS k(k1, ..., [pivot,] ord))
 *
 * Several targets' pivot fields travel as text[] (jsonb texts) rather than
 * jsonb[]: a custom plan for a large jsonb[] value takes ten times longer
 * to plan.  A pivot operation always declares the pivot parameter, so that
 * its parameters do not depend on the fields given.
 */
static void
append_keys_cte(SqlBuf *sb, RelationInfo *rel, KeyShapeKind shape,
				const ColumnSet *kcols, bool with_pivot, bool pivot_used)
{
	const ColumnSet *key = rel->target_key;
	int			c;

	appendStringInfoString(&sb->sql, "k AS (SELECT ");
	if (shape == SHAPE_ONE)
	{
		for (c = 0; c < key->ncols; c++)
		{
			append_param(sb, key->types[c], false);
			appendStringInfo(&sb->sql, " AS %s, ", kcols->names[c]);
		}
		if (with_pivot)
		{
			append_param(sb, JSONBOID, false);
			appendStringInfoString(&sb->sql, " AS pivot, ");
		}
		appendStringInfoString(&sb->sql, "1::pg_catalog.int8 AS ord)");
		return;
	}
	appendStringInfoString(&sb->sql, "* FROM ROWS FROM (");
	for (c = 0; c < key->ncols; c++)
	{
		appendStringInfoString(&sb->sql, c ? ", pg_catalog.unnest(" : "pg_catalog.unnest(");
		append_param(sb, key->types[c], true);
		appendStringInfoChar(&sb->sql, ')');
	}
	if (with_pivot && pivot_used)
	{
		appendStringInfoString(&sb->sql, ", pg_catalog.unnest(");
		append_param(sb, TEXTOID, true);
		appendStringInfoChar(&sb->sql, ')');
	}
	else if (with_pivot)
		(void) deparse_param(sb, TEXTARRAYOID);
	appendStringInfoString(&sb->sql, ") WITH ORDINALITY AS k(");
	for (c = 0; c < key->ncols; c++)
		appendStringInfo(&sb->sql, "%s, ", kcols->names[c]);
	appendStringInfoString(&sb->sql, with_pivot && pivot_used ? "pivot, ord))" : "ord))");
}

/*
 * append_targets_cte writes the CTE of the given targets' join columns:
 *
 *	t AS (SELECT DISTINCT t.ref1 AS t1 FROM target t JOIN k ON t.id = k.k1)
 * (DISTINCT only in SHAPE_MANY)
 */
static void
append_targets_cte(SqlBuf *sb, RelationInfo *rel, KeyShapeKind shape,
				   const ColumnSet *kcols, const ColumnSet *tcols)
{
	/* several keys may name one row twice; one key cannot */
	appendStringInfoString(&sb->sql, shape == SHAPE_MANY ? "t AS (SELECT DISTINCT " : "t AS (SELECT ");
	append_select_list(sb, "t", &rel->target_cols, tcols);
	appendStringInfo(&sb->sql, " FROM %s t JOIN k ON ", rel->target.qualified);
	append_columns_eq(sb, "t", rel->target_key, "k", kcols);
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * append_missing_key writes the position of the first target key that
 * names no row, NULL if none:
 *
 *	(SELECT k.ord FROM k WHERE NOT EXISTS
 *		(SELECT FROM target t WHERE t.id = k.k1) ORDER BY k.ord LIMIT 1)
 *	(ORDER BY ... LIMIT 1 only in SHAPE_MANY)
 *
 * When the statement has a CTE t of the targets found (have_t), the keys
 * are probed again only if t has fewer rows than k (a key is missing, or
 * was given twice):
 *
 *	CASE WHEN (SELECT count(*) FROM t) = (SELECT count(*) FROM k)
 *		 THEN NULL ELSE <the above> END
 */
static void
append_missing_key(SqlBuf *sb, RelationInfo *rel, KeyShapeKind shape,
				   const ColumnSet *kcols, bool have_t)
{
	if (shape == SHAPE_NONE)
	{
		appendStringInfoString(&sb->sql, "NULL::pg_catalog.int8");
		return;
	}
	if (have_t && shape == SHAPE_MANY)
		appendStringInfoString(&sb->sql,
							   "CASE WHEN (SELECT pg_catalog.count(*) FROM t) OPERATOR(pg_catalog.=) (SELECT pg_catalog.count(*) FROM k) THEN NULL ELSE ");
	appendStringInfo(&sb->sql,
					 "(SELECT k.ord FROM k WHERE NOT EXISTS (SELECT FROM %s t WHERE ",
					 rel->target.qualified);
	append_columns_eq(sb, "t", rel->target_key, "k", kcols);
	appendStringInfoString(&sb->sql, shape == SHAPE_MANY ? ") ORDER BY k.ord LIMIT 1)" : "))");
	if (have_t && shape == SHAPE_MANY)
		appendStringInfoString(&sb->sql, " END");
}

/*
 * append_outcome writes the final SELECT every write statement ends with:
 * whether the owner exists, the position of the first target key that
 * names no row (NULL if none; append_missing_key), and how many rows the
 * change touched.
 *
 *	SELECT EXISTS (SELECT FROM o), <missing key>, (SELECT pg_catalog.count(*) FROM w)
 */
static void
append_outcome(SqlBuf *sb, RelationInfo *rel, KeyShapeKind shape,
			   const ColumnSet *kcols, bool have_t)
{
	appendStringInfoString(&sb->sql, "\nSELECT EXISTS (SELECT FROM o),\n       ");
	append_missing_key(sb, rel, shape, kcols, have_t);
	appendStringInfoString(&sb->sql, ",\n       (SELECT pg_catalog.count(*) FROM w)");
}

/*
 * append_fk_write_filter writes the rows of the target a has_one / has_many
 * write changes (FROM and WHERE, after "FROM "): with `locked`, the rows
 * changed among those CTE l locked; else the rows CTE l locks.
 *
 * add / set link:	o, k WHERE t.id = k.k1 AND (t.fk1 IS NULL OR NOT t.fk1 = o.o1)
 * remove:			o, k WHERE t.id = k.k1 AND t.fk1 = o.o1
 * set unlink:		o WHERE t.fk1 = o.o1 [AND NOT EXISTS (SELECT FROM k WHERE t.id = k.k1)]
 * locked:			k replaced by l: t.id = l.l1
 *
 * A set runs two statements, the unlink then the link: its unlink locks
 * every row either may change, the owner's rows and the given ones, so
 * that all of them are locked in one key order:
 *	o WHERE EXISTS (SELECT FROM (SELECT x.id AS l1 FROM target x, o
 *		WHERE x.fk1 = o.o1 UNION ALL SELECT k.k1 FROM k) u WHERE t.id = u.l1)
 */
static void
append_fk_write_filter(SqlBuf *sb, RelationInfo *rel, RelOp op, KeyShapeKind shape,
					   const ColumnSet *ocols, const ColumnSet *kcols,
					   const ColumnSet *lcols, bool locked)
{
	const ColumnSet *fk = &rel->target_cols;

	if (op == RELOP_SET_UNLINK && !locked && shape != SHAPE_NONE)
	{
		appendStringInfoString(&sb->sql, "o WHERE EXISTS (SELECT FROM (SELECT ");
		append_select_list(sb, "x", rel->target_key, lcols);
		appendStringInfo(&sb->sql, " FROM %s x, o WHERE ", rel->target.qualified);
		append_columns_eq(sb, "x", fk, "o", ocols);
		appendStringInfoString(&sb->sql, " UNION ALL SELECT ");
		append_column_list(sb, "k", kcols);
		appendStringInfoString(&sb->sql, " FROM k) u WHERE ");
		append_columns_eq(sb, "t", rel->target_key, "u", lcols);
		appendStringInfoChar(&sb->sql, ')');
		return;
	}
	if (locked)
	{
		appendStringInfoString(&sb->sql, "o, l WHERE ");
		append_columns_eq(sb, "t", rel->target_key, "l", lcols);
	}
	else if (op == RELOP_SET_UNLINK)
		appendStringInfoString(&sb->sql, "o WHERE TRUE");
	else
	{
		appendStringInfoString(&sb->sql, "o, k WHERE ");
		append_columns_eq(sb, "t", rel->target_key, "k", kcols);
	}
	appendStringInfoString(&sb->sql, " AND ");
	if (op == RELOP_ADD || op == RELOP_SET_LINK)
		append_columns_differ(sb, "t", fk, "o", ocols);
	else
		append_owner_columns_eq(sb, rel, "t", fk, "o", ocols);
	if (op == RELOP_SET_UNLINK && shape != SHAPE_NONE)
	{
		appendStringInfoString(&sb->sql, " AND NOT EXISTS (SELECT FROM k WHERE ");
		append_columns_eq(sb, "t", rel->target_key, "k", kcols);
		appendStringInfoChar(&sb->sql, ')');
	}
}

/*
 * append_key_order writes " ORDER BY a.c1, a.c2": the order in which link
 * writes lock rows, the same in every session, so that two writes that
 * touch the same rows wait for each other instead of deadlocking.
 */
static void
append_key_order(SqlBuf *sb, const char *alias, const ColumnSet *cols)
{
	int			c;

	appendStringInfoString(&sb->sql, " ORDER BY ");
	for (c = 0; c < cols->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, ", ");
		append_column(sb, alias, cols->names[c]);
	}
}

/*
 * build_fk_on_target_write: has_one / has_many, the foreign key on the
 * target.  The rows to change are first locked in key order (CTE l), then
 * updated: an UPDATE locks rows in the order it meets them, and two calls
 * naming rows 5 and 10 in opposite orders would deadlock.
 *
 *	WITH o AS (...), k AS (...),
 *	l AS (SELECT t.id AS l1 FROM target t, <filter> ORDER BY t.id
 *		  FOR NO KEY UPDATE OF t),
 *	w AS (UPDATE target t SET fk1 = o.o1 (or NULL) FROM o, l
 *		  WHERE t.id = l.l1 AND <the filter's condition on t.fk1> RETURNING 1)
 *	<outcome>
 *
 * (the filters: append_fk_write_filter; the UPDATE checks them again on
 * the row it locked, as a concurrent write may have changed it).
 */
static void
build_fk_on_target_write(SqlBuf *sb, RelationInfo *rel, RelOp op,
						 KeyShapeKind shape)
{
	ColumnSet  *ocols = generic_columns(&rel->source_cols, "o");
	/* a target without a key is only ever unlinked all at once (set NULL) */
	bool		lock = rel->target_key != NULL;
	ColumnSet  *kcols = lock ? generic_columns(rel->target_key, "k") : NULL;
	ColumnSet  *lcols = lock ? generic_columns(rel->target_key, "l") : NULL;
	const ColumnSet *fk = &rel->target_cols;
	int			c;

	appendStringInfoString(&sb->sql, "WITH ");
	append_owner_cte(sb, rel, ocols);
	if (shape != SHAPE_NONE)
	{
		appendStringInfoString(&sb->sql, ",\n     ");
		append_keys_cte(sb, rel, shape, kcols, false, false);
	}
	if (lock)
	{
		appendStringInfoString(&sb->sql, ",\n     l AS (SELECT ");
		append_select_list(sb, "t", rel->target_key, lcols);
		appendStringInfo(&sb->sql, " FROM %s t, ", rel->target.qualified);
		append_fk_write_filter(sb, rel, op, shape, ocols, kcols, lcols, false);
		append_key_order(sb, "t", rel->target_key);
		appendStringInfoString(&sb->sql, " FOR NO KEY UPDATE OF t)");
	}
	appendStringInfo(&sb->sql, ",\n     w AS (UPDATE %s t SET ", rel->target.qualified);
	for (c = 0; c < fk->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, ", ");
		appendStringInfoString(&sb->sql, quote_identifier(fk->names[c]));
		if (op == RELOP_ADD || op == RELOP_SET_LINK)
			appendStringInfo(&sb->sql, " = o.%s", ocols->names[c]);
		else
			appendStringInfoString(&sb->sql, " = NULL");
	}
	appendStringInfoString(&sb->sql, " FROM ");
	append_fk_write_filter(sb, rel, op, shape, ocols, kcols, lcols, lock);
	appendStringInfoString(&sb->sql, " RETURNING 1)");
	append_outcome(sb, rel, shape, kcols, false);
}

/*
 * append_not_linked writes the condition that keeps the targets of t the
 * owner is not linked to yet:
 *
 *	WHERE NOT EXISTS (SELECT FROM junction x
 *					  WHERE x.js1 = (SELECT o.o1 FROM o) AND x.jt1 = t.t1)
 *
 * or nothing when a unique index covers the pair, since ON CONFLICT DO
 * NOTHING then skips linked pairs by itself.  The owner is a scalar
 * subquery, a parameter to the planner, so that the junction is probed for
 * the owner's links only: joined with CTE o, the planner may hash the
 * whole junction.
 */
static void
append_not_linked(SqlBuf *sb, RelationInfo *rel, const ColumnSet *ocols,
				  const ColumnSet *tcols)
{
	const ColumnSet *js = &rel->junction_source_cols;
	int			c;

	if (rel->pair_unique)
		return;
	appendStringInfo(&sb->sql, " WHERE NOT EXISTS (SELECT FROM %s x WHERE ",
					 rel->junction.qualified);
	for (c = 0; c < js->ncols; c++)
	{
		append_column(sb, "x", js->names[c]);
		appendStringInfo(&sb->sql, " %s (SELECT o.%s FROM o) AND ",
						 deparse_operator(js->types[c], ocols->types[c], BTEqualStrategyNumber),
						 ocols->names[c]);
	}
	append_columns_eq(sb, "x", &rel->junction_target_cols, "t", tcols);
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * build_junction_write: many_to_many, rows of the junction, for several
 * targets (one target: build_flat_write).
 *
 * add / set link, inserting in the targets' order:
 *	WITH o AS (...), k AS (...), t AS (...),
 *	w AS (INSERT INTO junction (js1, jt1) SELECT o.o1, t.t1 FROM o, t
 *		  [<not linked>] ORDER BY t.t1 ON CONFLICT DO NOTHING RETURNING 1)
 *	<outcome>
 * remove, the links locked in the targets' order first:
 *	l AS (SELECT j.jt1 AS l1, j.ctid AS lc FROM junction j, o, t
 *		  WHERE j.js1 = o.o1 AND j.jt1 = t.t1 ORDER BY j.jt1, j.ctid
 *		  FOR UPDATE OF j),
 *	w AS (DELETE FROM junction j USING o, l
 *		  WHERE j.ctid = l.lc AND j.js1 = o.o1 AND j.jt1 = l.l1 RETURNING 1)
 * set unlink (what is linked but not given; everything for SHAPE_NONE):
 *	l AS (SELECT j.jt1 AS l1, j.ctid AS lc FROM junction j, o
 *		  WHERE j.js1 = o.o1 AND NOT EXISTS (SELECT FROM t WHERE j.jt1 = t.t1)
 *		  ORDER BY j.jt1, j.ctid FOR UPDATE OF j),
 *	w AS (DELETE ... as for remove)
 *
 * The delete finds the locked rows by their ctid (the version the lock
 * took, after following any concurrent update), not by reading the
 * owner's links a second time; the key columns are compared too, since a
 * ctid names a row only within one partition.
 *
 * Linked pairs are skipped by ON CONFLICT, or by append_not_linked when no
 * unique index covers the pair: either way the junction's index is probed
 * for each given target, and nothing else the owner is linked to is read.
 * Rows are inserted and locked in the same order in every session, so
 * that two calls on the same pairs wait for each other and never deadlock
 * (an insert waits on a conflicting insert, a delete on a row lock).
 */
static void
build_junction_write(SqlBuf *sb, RelationInfo *rel, RelOp op,
					 KeyShapeKind shape)
{
	ColumnSet  *ocols = generic_columns(&rel->source_cols, "o");
	ColumnSet  *kcols = rel->target_key ? generic_columns(rel->target_key, "k") : NULL;
	ColumnSet  *tcols = generic_columns(&rel->target_cols, "t");
	ColumnSet  *lcols = generic_columns(&rel->junction_target_cols, "l");
	const ColumnSet *js = &rel->junction_source_cols;
	const ColumnSet *jt = &rel->junction_target_cols;
	const char *junction = rel->junction.qualified;

	appendStringInfoString(&sb->sql, "WITH ");
	append_owner_cte(sb, rel, ocols);
	if (shape != SHAPE_NONE)
	{
		appendStringInfoString(&sb->sql, ",\n     ");
		append_keys_cte(sb, rel, shape, kcols, false, false);
		appendStringInfoString(&sb->sql, ",\n     ");
		append_targets_cte(sb, rel, shape, kcols, tcols);
	}
	if (op != RELOP_ADD && op != RELOP_SET_LINK)
	{
		/* lock the links to delete in the targets' order */
		appendStringInfoString(&sb->sql, ",\n     l AS (SELECT ");
		append_select_list(sb, "j", jt, lcols);
		appendStringInfoString(&sb->sql, ", j.ctid AS lc");
		appendStringInfo(&sb->sql, " FROM %s j, o", junction);
		if (op == RELOP_REMOVE)
			appendStringInfoString(&sb->sql, ", t");
		appendStringInfoString(&sb->sql, " WHERE ");
		append_owner_columns_eq(sb, rel, "j", js, "o", ocols);
		if (op == RELOP_REMOVE)
		{
			appendStringInfoString(&sb->sql, " AND ");
			append_columns_eq(sb, "j", jt, "t", tcols);
		}
		else if (shape != SHAPE_NONE)
		{
			appendStringInfoString(&sb->sql, " AND NOT EXISTS (SELECT FROM t WHERE ");
			append_columns_eq(sb, "j", jt, "t", tcols);
			appendStringInfoChar(&sb->sql, ')');
		}
		append_key_order(sb, "j", jt);
		appendStringInfoString(&sb->sql, ", j.ctid FOR UPDATE OF j)");
	}
	appendStringInfoString(&sb->sql, ",\n     w AS (");
	switch (op)
	{
		case RELOP_ADD:
		case RELOP_SET_LINK:
			appendStringInfo(&sb->sql, "INSERT INTO %s (", junction);
			append_column_list(sb, NULL, js);
			appendStringInfoString(&sb->sql, ", ");
			append_column_list(sb, NULL, jt);
			appendStringInfoString(&sb->sql, ") SELECT ");
			append_column_list(sb, "o", ocols);
			appendStringInfoString(&sb->sql, ", ");
			append_column_list(sb, "t", tcols);
			appendStringInfoString(&sb->sql, " FROM o, t");
			append_not_linked(sb, rel, ocols, tcols);
			append_key_order(sb, "t", tcols);
			appendStringInfoString(&sb->sql, " ON CONFLICT DO NOTHING");
			break;
		default:				/* RELOP_REMOVE, RELOP_SET_UNLINK */
			appendStringInfo(&sb->sql, "DELETE FROM %s j USING o, l WHERE j.ctid OPERATOR(pg_catalog.=) l.lc AND ",
							 junction);
			append_owner_columns_eq(sb, rel, "j", js, "o", ocols);
			appendStringInfoString(&sb->sql, " AND ");
			append_columns_eq(sb, "j", jt, "l", lcols);
			break;
	}
	appendStringInfoString(&sb->sql, " RETURNING 1)");
	append_outcome(sb, rel, shape, kcols, shape != SHAPE_NONE);
}

/*
 * append_related_from writes the FROM clause of the owner's related rows.
 *
 * Keeping the owner when it has none (keep_owner, for to-one loads):
 *	direct:   FROM source s LEFT JOIN target t ON s.ref1 = t.fk1
 *	junction: FROM source s LEFT JOIN (junction j JOIN target t
 *				 ON j.jt1 = t.ref1) ON s.ref1 = j.js1
 *	WHERE s.id = $1
 *
 * Else the related rows only; when the foreign key references the owner's
 * key, compared with the key parameters themselves (so that a custom plan
 * sees the owner's value and how many rows it has), the owner's existence
 * being a one-time filter:
 *	direct:   FROM target t WHERE t.fk1 = $1
 *			  AND EXISTS (SELECT FROM source s WHERE s.id = $1)
 *	junction: FROM junction j JOIN target t ON j.jt1 = t.ref1
 *			  WHERE j.js1 = $1 AND EXISTS (SELECT FROM source s WHERE s.id = $1)
 * and when it references other columns, with those found once, as scalar
 * subqueries (InitPlans):
 *	          ... WHERE j.js1 = (SELECT s.ref1 FROM source s WHERE s.id = $1)
 * The planner reads the junction's (js, jt) index for the owner, in the
 * target's order when that is the order asked for, and joins nothing per
 * row.  An owner that does not exist (or that the caller cannot see)
 * yields no rows; the caller then checks the owner (RELOP_CHECK).
 */
static void
append_related_from(SqlBuf *sb, RelationInfo *rel, bool keep_owner)
{
	bool		junction = rel->kind == RELORM_MANY_TO_MANY;
	const ColumnSet *near = junction ? &rel->junction_source_cols : &rel->target_cols;
	int			c;

	if (keep_owner)
	{
		appendStringInfo(&sb->sql, " FROM %s s LEFT JOIN ", rel->source.qualified);
		if (junction)
		{
			appendStringInfo(&sb->sql, "(%s j JOIN %s t ON ",
							 rel->junction.qualified, rel->target.qualified);
			append_columns_eq(sb, "j", &rel->junction_target_cols, "t", &rel->target_cols);
			appendStringInfoString(&sb->sql, ") ON ");
		}
		else
			appendStringInfo(&sb->sql, "%s t ON ", rel->target.qualified);
		append_columns_eq(sb, "s", &rel->source_cols, junction ? "j" : "t", near);
		appendStringInfoString(&sb->sql, " WHERE ");
		append_owner_match(sb, "s", rel->owner_key);
		return;
	}

	if (junction)
	{
		appendStringInfo(&sb->sql, " FROM %s j JOIN %s t ON ",
						 rel->junction.qualified, rel->target.qualified);
		append_columns_eq(sb, "j", &rel->junction_target_cols, "t", &rel->target_cols);
	}
	else
		appendStringInfo(&sb->sql, " FROM %s t", rel->target.qualified);
	appendStringInfoString(&sb->sql, " WHERE ");
	if (columnset_equal(&rel->source_cols, rel->owner_key))
	{
		/* the owner's key itself: the planner sees the value */
		int			saved;

		for (c = 0; c < near->ncols; c++)
		{
			appendStringInfo(&sb->sql, "%s%s.%s %s ", c ? " AND " : "", junction ? "j" : "t",
							 quote_identifier(near->names[c]),
							 deparse_operator(near->types[c], rel->owner_key->types[c],
										  BTEqualStrategyNumber));
			append_param(sb, rel->owner_key->types[c], false);
		}
		saved = sb->nparams;
		sb->nparams = 0;
		appendStringInfo(&sb->sql, " AND EXISTS (SELECT FROM %s s WHERE ", rel->source.qualified);
		append_owner_match(sb, "s", rel->owner_key);
		appendStringInfoChar(&sb->sql, ')');
		sb->nparams = saved;
		return;
	}
	for (c = 0; c < near->ncols; c++)
	{
		/* every subquery names the owner by the same parameters $1... */
		int			saved = sb->nparams;

		if (c > 0)
		{
			appendStringInfoString(&sb->sql, " AND ");
			sb->nparams = 0;
		}
		appendStringInfo(&sb->sql, "%s.%s %s (SELECT ", junction ? "j" : "t",
						 quote_identifier(near->names[c]),
						 deparse_operator(near->types[c], rel->source_cols.types[c],
									  BTEqualStrategyNumber));
		append_column(sb, "s", rel->source_cols.names[c]);
		appendStringInfo(&sb->sql, " FROM %s s WHERE ", rel->source.qualified);
		append_owner_match(sb, "s", rel->owner_key);
		appendStringInfoChar(&sb->sql, ')');
		if (c > 0)
			sb->nparams = saved;
	}
}

/*
 * build_load: the related rows of one owner, as json or as rows.  For a
 * to-one relation, a row whose first column is false (or json NULL) stands
 * for "the owner exists but has no related row", and no row at all means
 * the owner does not exist.  A to-many load returns the related rows only;
 * when there are none, the caller checks the owner (RELOP_CHECK).
 *
 *	SELECT pg_catalog.row_to_json(t.*) <related from> ORDER BY t.id
 *	SELECT t.id IS NOT NULL, t.* <related from> ORDER BY t.id
 * to-one relations add LIMIT 2, so that a second row can be reported.
 */
static void
build_load(SqlBuf *sb, RelationInfo *rel, RelOp op)
{
	bool		rows = (op == RELOP_LOAD_ONE_ROW || op == RELOP_LOAD_MANY_ROW);

	if (rows)
	{
		appendStringInfoString(&sb->sql, "SELECT ");
		append_column(sb, "t", rel->target_cols.names[0]);
		appendStringInfoString(&sb->sql, " IS NOT NULL, t.*");
	}
	else
		appendStringInfoString(&sb->sql, "SELECT pg_catalog.row_to_json(t.*)");
	append_related_from(sb, rel, op == RELOP_LOAD_ONE || op == RELOP_LOAD_ONE_ROW);
	append_default_order(sb, rel);
	if (op == RELOP_LOAD_ONE || op == RELOP_LOAD_ONE_ROW)
		appendStringInfoString(&sb->sql, " LIMIT 2");
}

/*
 * append_default_order orders related rows by the relation's `order`
 * option, else by the target's key.
 */
static void
append_default_order(SqlBuf *sb, RelationInfo *rel)
{
	const ColumnSet *key = rel->target_key;
	int			c;

	/* a target without a key (a has_one's unique foreign key) has no order */
	if (key == NULL && rel->options.order == NULL)
		return;
	appendStringInfoString(&sb->sql, " ORDER BY ");
	if (rel->options.order != NULL)
	{
		append_order_clause(&sb->sql, "t", rel->target.relid, rel->options.order);
		if (key == NULL)
			return;
		appendStringInfoString(&sb->sql, ", ");
	}
	for (c = 0; c < key->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, ", ");
		append_column(sb, "t", key->names[c]);
	}
}

/*
 * build_relation_ids: the keys of the related rows, as jsonb, in key
 * order; NULL for the list when the owner has none.
 *
 *	SELECT (SELECT pg_catalog.jsonb_agg(<key json> ORDER BY t.id)
 *			FROM target t WHERE t.fk1 = s.ref1)
 *	FROM source s WHERE s.id = $1
 * many_to_many reads the junction alone when it holds the target's key:
 *	SELECT (SELECT pg_catalog.jsonb_agg(<key json of j.jt>) FROM junction j
 *			WHERE j.js1 = s.ref1) FROM source s WHERE s.id = $1
 */
static void
build_relation_ids(SqlBuf *sb, RelationInfo *rel)
{
	const ColumnSet *key = rel->target_key;
	bool		junction_only = false;
	const ColumnSet *keycols = key;
	const char *alias = "t";
	int			c;

	if (rel->kind == RELORM_MANY_TO_MANY && key == &rel->target_cols)
		junction_only = true;
	else if (rel->kind == RELORM_MANY_TO_MANY && key->ncols == rel->target_cols.ncols)
	{
		junction_only = true;
		for (c = 0; c < key->ncols; c++)
			if (key->attnums[c] != rel->target_cols.attnums[c])
				junction_only = false;
	}
	if (junction_only)
	{
		keycols = &rel->junction_target_cols;
		alias = "j";
	}

	appendStringInfoString(&sb->sql, "SELECT (SELECT pg_catalog.jsonb_agg(");
	append_key_json(sb, alias, keycols, key);
	appendStringInfoString(&sb->sql, " ORDER BY ");
	append_column_list(sb, alias, keycols);
	appendStringInfoString(&sb->sql, ") FROM ");
	if (junction_only)
	{
		appendStringInfo(&sb->sql, "%s j WHERE ", rel->junction.qualified);
		append_columns_eq(sb, "j", &rel->junction_source_cols, "s", &rel->source_cols);
	}
	else if (rel->kind == RELORM_MANY_TO_MANY)
	{
		appendStringInfo(&sb->sql, "%s j JOIN %s t ON ",
						 rel->junction.qualified, rel->target.qualified);
		append_columns_eq(sb, "j", &rel->junction_target_cols, "t", &rel->target_cols);
		appendStringInfoString(&sb->sql, " WHERE ");
		append_columns_eq(sb, "j", &rel->junction_source_cols, "s", &rel->source_cols);
	}
	else
	{
		appendStringInfo(&sb->sql, "%s t WHERE ", rel->target.qualified);
		append_columns_eq(sb, "t", &rel->target_cols, "s", &rel->source_cols);
	}
	appendStringInfo(&sb->sql, ") FROM %s s WHERE ", rel->source.qualified);
	append_owner_match(sb, "s", rel->owner_key);
}

/*
 * append_key_json writes the json of one key: to_jsonb(col) for a single
 * column, jsonb_build_object('a', col_a, ...) for several, named as the
 * key columns `names` (the values may come from the junction's columns).
 */
static void
append_key_json(SqlBuf *sb, const char *alias, const ColumnSet *cols,
				const ColumnSet *names)
{
	int			c;

	if (cols->ncols == 1)
	{
		appendStringInfoString(&sb->sql, "pg_catalog.to_jsonb(");
		append_column(sb, alias, cols->names[0]);
		appendStringInfoChar(&sb->sql, ')');
		return;
	}
	appendStringInfoString(&sb->sql, "pg_catalog.jsonb_build_object(");
	for (c = 0; c < cols->ncols; c++)
	{
		if (c > 0)
			appendStringInfoString(&sb->sql, ", ");
		appendStringInfo(&sb->sql, "%s::pg_catalog.text, ", quote_literal_cstr(names->names[c]));
		append_column(sb, alias, cols->names[c]);
	}
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * generic_columns makes a ColumnSet like `like` whose names are prefix1,
 * prefix2, ...: the columns of the CTEs o, k and t.
 */
static ColumnSet *
generic_columns(const ColumnSet *like, const char *prefix)
{
	ColumnSet  *cols = palloc(sizeof(ColumnSet));
	int			c;

	memcpy(cols, like, sizeof(ColumnSet));
	for (c = 0; c < cols->ncols; c++)
		cols->names[c] = psprintf("%s%d", prefix, c + 1);
	return cols;
}

/*
 * append_order_clause writes the ORDER BY items of an `order` value
 * (SPEC §5) over the columns of relid, aliased `alias`; the query
 * compiler parses and checks it (query.c, query_order_sql).
 */
static void
append_order_clause(StringInfo buf, const char *alias, Oid relid, Jsonb *order)
{
	appendStringInfoString(buf, deparse_order_option(relid, alias, order));
}

/*
 * t_key_columns: the columns of CTE t that hold the target's key - its
 * join columns when those are the key (the usual junction), else columns
 * of their own (tk1, ...).
 */
static const ColumnSet *
t_key_columns(RelationInfo *rel, const ColumnSet *tcols)
{
	return columnset_equal(&rel->target_cols, rel->target_key) ? tcols
		: generic_columns(rel->target_key, "tk");
}

/*
 * append_pivot_targets_cte: the given targets with their join columns, key
 * columns (for results), pivot fields and position; each target once (at
 * its first position) unless all occurrences are wanted:
 *
 *	t AS (SELECT DISTINCT ON (t.ref1) t.ref1 AS t1, [t.id AS tk1,]
 *			[k.pivot::jsonb AS pivot,] k.ord FROM target t JOIN k ON t.id = k.k1
 *		  ORDER BY t.ref1, k.ord)
 *
 * The rows are narrow (keys become json only in the result lists), so that
 * the sort that keeps first occurrences stays small.  (Grouping by hashing
 * instead, min(k.ord), was tried: at 100k targets the planner sorted the
 * keys for a merge join and spilled, and the call got slower.)
 */
static void
append_pivot_targets_cte(SqlBuf *sb, RelationInfo *rel, const ColumnSet *kcols,
						 const ColumnSet *tcols, bool all_occurrences, bool pivot_used)
{
	const ColumnSet *tkcols = t_key_columns(rel, tcols);
	bool		own_key = tkcols != tcols;

	appendStringInfoString(&sb->sql, "t AS (SELECT ");
	if (!all_occurrences)
	{
		appendStringInfoString(&sb->sql, "DISTINCT ON (");
		append_column_list(sb, "t", &rel->target_cols);
		appendStringInfoString(&sb->sql, ") ");
	}
	append_select_list(sb, "t", &rel->target_cols, tcols);
	if (own_key)
	{
		appendStringInfoString(&sb->sql, ", ");
		append_select_list(sb, "t", rel->target_key, tkcols);
	}
	appendStringInfo(&sb->sql, ", %sk.ord FROM %s t JOIN k ON ",
					 pivot_used ? "k.pivot::pg_catalog.jsonb AS pivot, " : "",
					 rel->target.qualified);
	append_columns_eq(sb, "t", rel->target_key, "k", kcols);
	if (!all_occurrences)
	{
		appendStringInfoString(&sb->sql, " ORDER BY ");
		append_column_list(sb, "t", &rel->target_cols);
		appendStringInfoString(&sb->sql, ", k.ord");
	}
	appendStringInfoChar(&sb->sql, ')');
}

/* append_pivot_record: "CROSS JOIN LATERAL jsonb_populate_record(NULL::junction, t.pivot) p" */
static void
append_pivot_record(SqlBuf *sb, RelationInfo *rel)
{
	appendStringInfo(&sb->sql,
					 " CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::%s, t.pivot) AS p",
					 rel->junction.qualified);
}

/* append_field_given: "pg_catalog.jsonb_exists(t.pivot, 'field')" */
static void
append_field_given(SqlBuf *sb, const char *field)
{
	appendStringInfo(&sb->sql, "pg_catalog.jsonb_exists(t.pivot, %s::pg_catalog.text)",
					 quote_literal_cstr(field));
}

/*
 * append_pair_match: "j.js1 = o.o1 AND j.jt1 = t.t1", the junction row of
 * the owner and a target.
 */
static void
append_pair_match(SqlBuf *sb, RelationInfo *rel, const ColumnSet *ocols,
				  const ColumnSet *tcols)
{
	append_owner_columns_eq(sb, rel, "j", &rel->junction_source_cols, "o", ocols);
	appendStringInfoString(&sb->sql, " AND ");
	append_columns_eq(sb, "j", &rel->junction_target_cols, "t", tcols);
}

/*
 * junction_default_sql: the DEFAULT of a junction column as SQL text (the
 * column's own, else its domain's; "NULL" when there is none), printed
 * with only pg_catalog in the search path so that every name in it is
 * schema-qualified, whatever the search path the statement runs under.
 */
static char *
junction_default_sql(RelationInfo *rel, const char *column)
{
	Relation	junction = table_open(rel->junction.relid, AccessShareLock);
	AttrNumber	attnum = get_attnum(rel->junction.relid, column);
	Node	   *expr = attnum > 0 ? build_column_default(junction, attnum) : NULL;
	char	   *sql = "NULL";

	if (expr != NULL)
	{
		int			nestlevel = NewGUCNestLevel();

		(void) set_config_option("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		sql = psprintf("(%s)", deparse_expression(expr, NIL, false, false));
		AtEOXact_GUC(true, nestlevel);
	}
	table_close(junction, AccessShareLock);
	return sql;
}

/*
 * append_pivot_insert: link the owner to the targets of t, with the given
 * pivot fields, skipping linked pairs unless duplicates; a field that some
 * targets give and others not gets the column's DEFAULT for the others
 * (jsonb_populate_record would give them NULL):
 *
 *	i AS (INSERT INTO junction (js1, jt1, f1) SELECT o.o1, t.t1,
 *		  CASE WHEN jsonb_exists(t.pivot, 'f1') THEN p.f1 ELSE <default> END
 *		  FROM o, t [CROSS JOIN LATERAL jsonb_populate_record(...) AS p]
 *		  [<not linked>] ON CONFLICT DO NOTHING RETURNING jt1 AS t1)
 * (the record only when pivot fields are given)
 */
static void
append_pivot_insert(SqlBuf *sb, RelationInfo *rel, const StatementSpec *spec,
					const char *name, const ColumnSet *ocols, const ColumnSet *tcols,
					bool duplicates)
{
	const ColumnSet *pv = &rel->pivot_cols;
	int			c;

	appendStringInfo(&sb->sql, "%s AS (INSERT INTO %s AS j (", name, rel->junction.qualified);
	append_column_list(sb, NULL, &rel->junction_source_cols);
	appendStringInfoString(&sb->sql, ", ");
	append_column_list(sb, NULL, &rel->junction_target_cols);
	for (c = 0; c < pv->ncols; c++)
		if (spec->pivot_fields & (1U << c))
			appendStringInfo(&sb->sql, ", %s", quote_identifier(pv->names[c]));
	appendStringInfoString(&sb->sql, ") SELECT ");
	append_column_list(sb, "o", ocols);
	appendStringInfoString(&sb->sql, ", ");
	append_column_list(sb, "t", tcols);
	for (c = 0; c < pv->ncols; c++)
		if (spec->pivot_fields & (1U << c))
		{
			appendStringInfoString(&sb->sql, ", CASE WHEN ");
			append_field_given(sb, pv->names[c]);
			appendStringInfoString(&sb->sql, " THEN ");
			append_column(sb, "p", pv->names[c]);
			appendStringInfo(&sb->sql, " ELSE %s END",
							 junction_default_sql(rel, pv->names[c]));
		}
	appendStringInfoString(&sb->sql, " FROM o, t");
	if (spec->pivot_fields != 0)
		append_pivot_record(sb, rel);
	if (!duplicates)
	{
		append_not_linked(sb, rel, ocols, tcols);
		appendStringInfoString(&sb->sql, " ON CONFLICT DO NOTHING");
	}
	appendStringInfoString(&sb->sql, " RETURNING ");
	append_select_list(sb, "j", &rel->junction_target_cols, tcols);
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * append_pivot_update (sync): set the given pivot fields of the owner's
 * links to the targets of t, where they differ:
 *
 *	u AS (UPDATE junction j SET f1 = CASE WHEN <f1 given> THEN p.f1 ELSE j.f1 END
 *		  FROM o, t CROSS JOIN LATERAL jsonb_populate_record(...) AS p
 *		  WHERE <pair> AND ((<f1 given> AND (j.f1 IS NULL) <> (p.f1 IS NULL)
 *		  OR NOT j.f1 = p.f1)) ...) RETURNING j.jt1 AS t1)
 */
static void
append_pivot_update(SqlBuf *sb, RelationInfo *rel, const StatementSpec *spec,
					const ColumnSet *ocols, const ColumnSet *tcols)
{
	const ColumnSet *pv = &rel->pivot_cols;
	int			c;
	bool		first = true;

	appendStringInfo(&sb->sql, "u AS (UPDATE %s j SET ", rel->junction.qualified);
	for (c = 0; c < pv->ncols; c++)
	{
		if (!(spec->pivot_fields & (1U << c)))
			continue;
		appendStringInfo(&sb->sql, "%s%s = CASE WHEN ", first ? "" : ", ",
						 quote_identifier(pv->names[c]));
		append_field_given(sb, pv->names[c]);
		appendStringInfoString(&sb->sql, " THEN ");
		append_column(sb, "p", pv->names[c]);
		appendStringInfoString(&sb->sql, " ELSE ");
		append_column(sb, "j", pv->names[c]);
		appendStringInfoString(&sb->sql, " END");
		first = false;
	}
	appendStringInfoString(&sb->sql, " FROM o, t");
	append_pivot_record(sb, rel);
	appendStringInfoString(&sb->sql, " WHERE ");
	append_pair_match(sb, rel, ocols, tcols);
	first = true;
	appendStringInfoString(&sb->sql, " AND (");
	for (c = 0; c < pv->ncols; c++)
	{
		if (!(spec->pivot_fields & (1U << c)))
			continue;
		appendStringInfoString(&sb->sql, first ? "(" : " OR (");
		append_field_given(sb, pv->names[c]);
		appendStringInfoString(&sb->sql, " AND ");
		append_values_differ(sb, "j", "p", pv->names[c], pv->types[c]);
		appendStringInfoChar(&sb->sql, ')');
		first = false;
	}
	appendStringInfoChar(&sb->sql, ')');
	appendStringInfoString(&sb->sql, " RETURNING ");
	append_select_list(sb, "j", &rel->junction_target_cols, tcols);
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * append_keys_of: the keys of t's targets that a CTE w returned, in the
 * order given, as a jsonb array ([] when none); a join when w returns each
 * target at most once (unique), else a semi-join:
 *
 *	COALESCE((SELECT pg_catalog.jsonb_agg(<key json of t> ORDER BY t.ord)
 *		FROM t JOIN w ON w.t1 = t.t1), '[]')
 *	COALESCE((SELECT pg_catalog.jsonb_agg(<key json of t> ORDER BY t.ord)
 *		FROM t WHERE EXISTS (SELECT FROM w WHERE w.t1 = t.t1)), '[]')
 */
static void
append_keys_of(SqlBuf *sb, RelationInfo *rel, const char *cte, const ColumnSet *tcols,
			   bool unique)
{
	appendStringInfoString(&sb->sql, "COALESCE((SELECT pg_catalog.jsonb_agg(");
	append_key_json(sb, "t", t_key_columns(rel, tcols), rel->target_key);
	if (unique)
		appendStringInfo(&sb->sql, " ORDER BY t.ord) FROM t JOIN %s ON ", cte);
	else
		appendStringInfo(&sb->sql, " ORDER BY t.ord) FROM t WHERE EXISTS (SELECT FROM %s WHERE ",
						 cte);
	/* the CTE returned junction columns, of the junction's collations */
	append_columns_eq(sb, cte, generic_columns(&rel->junction_target_cols, "t"), "t", tcols);
	appendStringInfoString(&sb->sql, unique ? "), '[]'::pg_catalog.jsonb)" : ")), '[]'::pg_catalog.jsonb)");
}

/*
 * append_unlinked_keys: the keys of the targets a CTE d unlinked, by key
 * (for unlinking that was not given a list):
 *
 *	COALESCE((SELECT pg_catalog.jsonb_agg(<key json> ORDER BY t.id)
 *		FROM (SELECT DISTINCT t1 FROM d) d JOIN target t ON t.ref1 = d.t1), '[]')
 * (no DISTINCT when a unique index covers the pair; no join with the
 * target when the junction holds its key)
 */
static void
append_unlinked_keys(SqlBuf *sb, RelationInfo *rel, const ColumnSet *tcols)
{
	/* the junction holds the target's key itself: no need to look it up */
	bool		key_in_junction = columnset_equal(&rel->target_cols, rel->target_key);
	const char *alias = key_in_junction ? "d" : "t";

	appendStringInfoString(&sb->sql, "COALESCE((SELECT pg_catalog.jsonb_agg(");
	append_key_json(sb, alias, key_in_junction ? tcols : rel->target_key, rel->target_key);
	appendStringInfoString(&sb->sql, " ORDER BY ");
	append_column_list(sb, alias, key_in_junction ? tcols : rel->target_key);
	/* one owner's links are one per target where a unique index says so */
	if (rel->pair_unique)
		appendStringInfoString(&sb->sql, ") FROM d");
	else
	{
		appendStringInfoString(&sb->sql, ") FROM (SELECT DISTINCT ");
		append_column_list(sb, NULL, tcols);
		appendStringInfoString(&sb->sql, " FROM d) d");
	}
	if (!key_in_junction)
	{
		appendStringInfo(&sb->sql, " JOIN %s t ON ", rel->target.qualified);
		append_columns_eq(sb, "t", &rel->target_cols, "d",
						  generic_columns(&rel->junction_target_cols, "t"));
	}
	appendStringInfoString(&sb->sql, "), '[]'::pg_catalog.jsonb)");
}

/*
 * build_pivot_statement: the pivot operations of SPEC §4 on a
 * many_to_many relation, each one statement (the caller holds the owner's
 * lock, see relorm_lock_owner):
 *
 *	WITH o AS (...), k AS (... with pivot ...), t AS (...),
 *	attach:  i AS (<insert>)
 *	detach:  d AS (DELETE FROM junction j USING o, t WHERE <pair> RETURNING ...)
 *	         (all, SHAPE_NONE: USING o WHERE j.js1 = o.o1)
 *	sync:    d AS (DELETE ... of links not in t), i AS (<insert>), u AS (<update>)
 *	toggle:  d AS (DELETE ... of linked pairs in t), i AS (<insert> of the others)
 *	update_pivot: u AS (<update>)
 *	SELECT EXISTS (SELECT FROM o), <first missing key position>,
 *		   pg_catalog.jsonb_build_object('attached', ..., 'detached', ..., ...)
 *
 * The CTEs of one statement see the same snapshot and touch disjoint rows
 * (the insert only pairs that are not linked, the delete and update only
 * pairs that are), so they never step on each other.
 */
static void
build_pivot_statement(SqlBuf *sb, RelationInfo *rel, const StatementSpec *spec)
{
	ColumnSet  *ocols = generic_columns(&rel->source_cols, "o");
	ColumnSet  *kcols = generic_columns(rel->target_key, "k");
	ColumnSet  *tcols = generic_columns(&rel->target_cols, "t");
	KeyShapeKind shape = spec->shape;
	const char *junction = rel->junction.qualified;

	appendStringInfoString(&sb->sql, "WITH ");
	append_owner_cte(sb, rel, ocols);
	if (shape != SHAPE_NONE)
	{
		appendStringInfoString(&sb->sql, ",\n     ");
		append_keys_cte(sb, rel, shape, kcols, true, spec->pivot_fields != 0);
		appendStringInfoString(&sb->sql, ",\n     ");
		append_pivot_targets_cte(sb, rel, kcols, tcols,
								 spec->op == RELOP_ATTACH && spec->option,
								 spec->pivot_fields != 0);
	}
	switch (spec->op)
	{
		case RELOP_ATTACH:
			appendStringInfoString(&sb->sql, ",\n     ");
			append_pivot_insert(sb, rel, spec, "i", ocols, tcols, spec->option);
			break;
		case RELOP_DETACH:
			appendStringInfo(&sb->sql, ",\n     d AS (DELETE FROM %s j USING o", junction);
			if (shape != SHAPE_NONE)
				appendStringInfoString(&sb->sql, ", t");
			appendStringInfoString(&sb->sql, " WHERE ");
			if (shape != SHAPE_NONE)
				append_pair_match(sb, rel, ocols, tcols);
			else
				append_owner_columns_eq(sb, rel, "j", &rel->junction_source_cols, "o", ocols);
			appendStringInfoString(&sb->sql, " RETURNING ");
			append_select_list(sb, "j", &rel->junction_target_cols, tcols);
			appendStringInfoChar(&sb->sql, ')');
			break;
		case RELOP_SYNC:
			if (spec->option)	/* detaching */
			{
				appendStringInfo(&sb->sql, ",\n     d AS (DELETE FROM %s j USING o WHERE ",
								 junction);
				append_owner_columns_eq(sb, rel, "j", &rel->junction_source_cols, "o", ocols);
				if (shape != SHAPE_NONE)
				{
					appendStringInfoString(&sb->sql, " AND NOT EXISTS (SELECT FROM t WHERE ");
					append_columns_eq(sb, "j", &rel->junction_target_cols, "t", tcols);
					appendStringInfoChar(&sb->sql, ')');
				}
				appendStringInfoString(&sb->sql, " RETURNING ");
				append_select_list(sb, "j", &rel->junction_target_cols, tcols);
				appendStringInfoChar(&sb->sql, ')');
			}
			if (shape != SHAPE_NONE)
			{
				appendStringInfoString(&sb->sql, ",\n     ");
				append_pivot_insert(sb, rel, spec, "i", ocols, tcols, false);
				if (spec->pivot_fields != 0)
				{
					appendStringInfoString(&sb->sql, ",\n     ");
					append_pivot_update(sb, rel, spec, ocols, tcols);
				}
			}
			break;
		case RELOP_TOGGLE:
			appendStringInfo(&sb->sql, ",\n     d AS (DELETE FROM %s j USING o, t WHERE ",
							 junction);
			append_pair_match(sb, rel, ocols, tcols);
			appendStringInfoString(&sb->sql, " RETURNING ");
			append_select_list(sb, "j", &rel->junction_target_cols, tcols);
			appendStringInfoString(&sb->sql, "),\n     ");
			append_pivot_insert(sb, rel, spec, "i", ocols, tcols, false);
			break;
		default:
			elog(ERROR, "not a pivot operation: %d", (int) spec->op);
	}

	appendStringInfoString(&sb->sql, "\nSELECT EXISTS (SELECT FROM o),\n       ");
	append_missing_key(sb, rel, shape, kcols, true);
	appendStringInfoString(&sb->sql, ",\n       pg_catalog.jsonb_build_object(");
	switch (spec->op)
	{
		case RELOP_ATTACH:
			appendStringInfoString(&sb->sql, "'attached', ");
			append_keys_of(sb, rel, "i", tcols, !spec->option);
			break;
		case RELOP_DETACH:
			appendStringInfoString(&sb->sql, "'detached', ");
			if (shape == SHAPE_NONE)
				append_unlinked_keys(sb, rel, tcols);
			else
				append_keys_of(sb, rel, "d", tcols, rel->pair_unique);
			break;
		case RELOP_SYNC:
			appendStringInfoString(&sb->sql, "'attached', ");
			if (shape != SHAPE_NONE)
				append_keys_of(sb, rel, "i", tcols, true);
			else
				appendStringInfoString(&sb->sql, "'[]'::pg_catalog.jsonb");
			appendStringInfoString(&sb->sql, ", 'detached', ");
			if (spec->option)
				append_unlinked_keys(sb, rel, tcols);
			else
				appendStringInfoString(&sb->sql, "'[]'::pg_catalog.jsonb");
			appendStringInfoString(&sb->sql, ", 'updated', ");
			if (shape != SHAPE_NONE && spec->pivot_fields != 0)
				append_keys_of(sb, rel, "u", tcols, rel->pair_unique);
			else
				appendStringInfoString(&sb->sql, "'[]'::pg_catalog.jsonb");
			break;
		case RELOP_TOGGLE:
			appendStringInfoString(&sb->sql, "'attached', ");
			append_keys_of(sb, rel, "i", tcols, true);
			appendStringInfoString(&sb->sql, ", 'detached', ");
			append_keys_of(sb, rel, "d", tcols, rel->pair_unique);
			break;
		default:
			elog(ERROR, "not a pivot statement: %d", (int) spec->op);
	}
	appendStringInfoChar(&sb->sql, ')');
}

/*
 * statement_is_flat: is (rel, spec) a write of one target that runs as a
 * flat statement (build_flat_write)?  Toggle of one target runs as a flat
 * detach, then if that unlinked nothing a flat attach (pivot_ops.c).
 */
bool
statement_is_flat(RelationInfo *rel, const StatementSpec *spec)
{
	switch (spec->op)
	{
		case RELOP_ADD:
		case RELOP_REMOVE:
		case RELOP_SET_LINK:
		case RELOP_ATTACH:
		case RELOP_DETACH:
		case RELOP_UPDATE_PIVOT:
			return spec->shape == SHAPE_ONE;
		case RELOP_SET_UNLINK:
			return rel->kind == RELORM_BELONGS_TO;
		default:
			return false;
	}
}

/*
 * append_flat_pivot_record: "pg_catalog.jsonb_populate_record(NULL::junction,
 * $n) AS p", the pivot fields of the one target.  Its parameter follows the
 * owner's and the target's, but is written before them: number it ahead.
 */
static void
append_flat_pivot_record(SqlBuf *sb, RelationInfo *rel)
{
	appendStringInfo(&sb->sql,
					 "pg_catalog.jsonb_populate_record(NULL::%s, $%d::pg_catalog.jsonb) AS p",
					 rel->junction.qualified,
					 rel->owner_key->ncols + rel->target_key->ncols + 1);
}

/* append_flat_keys: "s.id = $1 AND t.id = $2", the owner and the target. */
static void
append_flat_keys(SqlBuf *sb, RelationInfo *rel)
{
	append_owner_match(sb, "s", rel->owner_key);
	appendStringInfoString(&sb->sql, " AND ");
	append_owner_match(sb, "t", rel->target_key);
}

/*
 * append_fk_assignments: "fk1 = alias.ref1, ..." (link), or with no alias
 * "fk1 = NULL, ..." (unlink).
 */
static void
append_fk_assignments(SqlBuf *sb, const ColumnSet *fk, const char *alias,
					  const ColumnSet *ref)
{
	int			c;

	for (c = 0; c < fk->ncols; c++)
	{
		appendStringInfo(&sb->sql, "%s%s = ", c ? ", " : "", quote_identifier(fk->names[c]));
		if (alias)
			append_column(sb, alias, ref->names[c]);
		else
			appendStringInfoString(&sb->sql, "NULL");
	}
}

/*
 * build_flat_write: a write of one target (SHAPE_ONE; belongs_to's unset:
 * SHAPE_NONE) as one flat statement, without CTEs or subplans: it finds the
 * owner and the target by key, once each, and returns no rows.
 * The rows it processed are the rows it changed; when that is 0 the caller runs
 * RELOP_CHECK to tell a missing owner or target from a link that was
 * already there (or not there).  Parameters: the owner's key, the target's
 * key, then for attach and update_pivot the pivot fields (jsonb).
 *
 * many_to_many link, attach:
 *	INSERT INTO junction AS j (js1, jt1[, f1]) SELECT s.ref1, t.ref1[, p.f1]
 *	FROM source s, target t[, jsonb_populate_record(NULL::junction, $3) AS p]
 *	WHERE s.id = $1 AND t.id = $2
 *	  [AND NOT EXISTS (SELECT FROM junction x WHERE x.js1 = s.ref1 AND x.jt1 = t.ref1)]
 *	ON CONFLICT DO NOTHING
 *	(NOT EXISTS only when no unique index covers the pair, and neither it
 *	nor ON CONFLICT for attach with duplicates)
 * many_to_many unlink, detach:
 *	DELETE FROM junction j USING source s, target t
 *	WHERE s.id = $1 AND t.id = $2 AND j.js1 = s.ref1 AND j.jt1 = t.ref1
 * update_pivot:
 *	UPDATE junction j SET f1 = p.f1 FROM source s, target t,
 *	  jsonb_populate_record(NULL::junction, $3) AS p WHERE <as for unlink>
 * has_one / has_many link, unlink:
 *	UPDATE target t SET fk1 = s.ref1 FROM source s
 *	WHERE s.id = $1 AND t.id = $2 AND (t.fk1 IS NULL OR NOT t.fk1 = s.ref1)
 *	UPDATE target t SET fk1 = NULL FROM source s
 *	WHERE s.id = $1 AND t.id = $2 AND t.fk1 = s.ref1
 * belongs_to set, unset:
 *	UPDATE source s SET fk1 = t.ref1 FROM target t
 *	WHERE s.id = $1 AND t.id = $2 AND (s.fk1 IS NULL OR NOT s.fk1 = t.ref1)
 *	UPDATE source s SET fk1 = NULL WHERE s.id = $1 AND (s.fk1 IS NOT NULL OR ...)
 */
static void
build_flat_write(SqlBuf *sb, RelationInfo *rel, const StatementSpec *spec)
{
	RelOp		op = spec->op;
	bool		link = op == RELOP_ADD || op == RELOP_SET_LINK || op == RELOP_ATTACH;
	const ColumnSet *pv = &rel->pivot_cols;
	int			c;

	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		const ColumnSet *js = &rel->junction_source_cols;
		const ColumnSet *jt = &rel->junction_target_cols;
		const char *junction = rel->junction.qualified;
		bool		duplicates = op == RELOP_ATTACH && spec->option;

		if (link)
		{
			appendStringInfo(&sb->sql, "INSERT INTO %s AS j (", junction);
			append_column_list(sb, NULL, js);
			appendStringInfoString(&sb->sql, ", ");
			append_column_list(sb, NULL, jt);
			for (c = 0; c < pv->ncols; c++)
				if (spec->pivot_fields & (1U << c))
					appendStringInfo(&sb->sql, ", %s", quote_identifier(pv->names[c]));
			appendStringInfoString(&sb->sql, ") SELECT ");
			append_column_list(sb, "s", &rel->source_cols);
			appendStringInfoString(&sb->sql, ", ");
			append_column_list(sb, "t", &rel->target_cols);
			for (c = 0; c < pv->ncols; c++)
				if (spec->pivot_fields & (1U << c))
				{
					appendStringInfoString(&sb->sql, ", ");
					append_column(sb, "p", pv->names[c]);
				}
			appendStringInfo(&sb->sql, " FROM %s s, %s t", rel->source.qualified,
							 rel->target.qualified);
			if (spec->pivot_fields != 0)
			{
				appendStringInfoString(&sb->sql, ", ");
				append_flat_pivot_record(sb, rel);
			}
			appendStringInfoString(&sb->sql, " WHERE ");
			append_flat_keys(sb, rel);
			if (!duplicates && !rel->pair_unique)
			{
				appendStringInfo(&sb->sql, " AND NOT EXISTS (SELECT FROM %s x WHERE ", junction);
				append_columns_eq(sb, "x", js, "s", &rel->source_cols);
				appendStringInfoString(&sb->sql, " AND ");
				append_columns_eq(sb, "x", jt, "t", &rel->target_cols);
				appendStringInfoChar(&sb->sql, ')');
			}
			if (!duplicates)
				appendStringInfoString(&sb->sql, " ON CONFLICT DO NOTHING");
		}
		else
		{
			if (op == RELOP_UPDATE_PIVOT)
			{
				const char *sep = "";

				appendStringInfo(&sb->sql, "UPDATE %s j SET ", junction);
				for (c = 0; c < pv->ncols; c++)
				{
					if (!(spec->pivot_fields & (1U << c)))
						continue;
					appendStringInfo(&sb->sql, "%s%s = ", sep, quote_identifier(pv->names[c]));
					append_column(sb, "p", pv->names[c]);
					sep = ", ";
				}
				appendStringInfo(&sb->sql, " FROM %s s, %s t, ", rel->source.qualified,
								 rel->target.qualified);
				append_flat_pivot_record(sb, rel);
			}
			else
				appendStringInfo(&sb->sql, "DELETE FROM %s j USING %s s, %s t", junction,
								 rel->source.qualified, rel->target.qualified);
			appendStringInfoString(&sb->sql, " WHERE ");
			append_flat_keys(sb, rel);
			appendStringInfoString(&sb->sql, " AND ");
			append_owner_columns_eq(sb, rel, "j", js, "s", &rel->source_cols);
			appendStringInfoString(&sb->sql, " AND ");
			append_columns_eq(sb, "j", jt, "t", &rel->target_cols);
		}
		/* attach and update_pivot always take the pivot fields' parameter */
		if (op == RELOP_ATTACH || op == RELOP_UPDATE_PIVOT)
			(void) deparse_param(sb, JSONBOID);
	}
	else if (rel->kind == RELORM_BELONGS_TO)
	{
		const ColumnSet *fk = &rel->source_cols;

		appendStringInfo(&sb->sql, "UPDATE %s s SET ", rel->source.qualified);
		append_fk_assignments(sb, fk, link ? "t" : NULL, &rel->target_cols);
		if (link)
		{
			appendStringInfo(&sb->sql, " FROM %s t WHERE ", rel->target.qualified);
			append_flat_keys(sb, rel);
			appendStringInfoString(&sb->sql, " AND ");
			append_columns_differ(sb, "s", fk, "t", &rel->target_cols);
		}
		else
		{
			appendStringInfoString(&sb->sql, " WHERE ");
			append_owner_match(sb, "s", rel->owner_key);
			appendStringInfoString(&sb->sql, " AND (");
			for (c = 0; c < fk->ncols; c++)
			{
				appendStringInfoString(&sb->sql, c ? " OR " : "");
				append_column(sb, "s", fk->names[c]);
				appendStringInfoString(&sb->sql, " IS NOT NULL");
			}
			appendStringInfoChar(&sb->sql, ')');
		}
	}
	else
	{
		const ColumnSet *fk = &rel->target_cols;

		appendStringInfo(&sb->sql, "UPDATE %s t SET ", rel->target.qualified);
		append_fk_assignments(sb, fk, link ? "s" : NULL, &rel->source_cols);
		appendStringInfo(&sb->sql, " FROM %s s WHERE ", rel->source.qualified);
		append_flat_keys(sb, rel);
		appendStringInfoString(&sb->sql, " AND ");
		if (link)
			append_columns_differ(sb, "t", fk, "s", &rel->source_cols);
		else
			append_owner_columns_eq(sb, rel, "t", fk, "s", &rel->source_cols);
	}
}

/*
 * build_check: after a flat write changed nothing, the row write_outcome
 * reads - does the owner exist, and the target (SHAPE_ONE)?
 *
 *	SELECT EXISTS (SELECT FROM source s WHERE s.id = $1),
 *		   (SELECT 1::int8 WHERE NOT EXISTS (SELECT FROM target t WHERE t.id = $2)),
 *		   0::int8
 */
static void
build_check(SqlBuf *sb, RelationInfo *rel, KeyShapeKind shape)
{
	appendStringInfo(&sb->sql, "SELECT EXISTS (SELECT FROM %s s WHERE ", rel->source.qualified);
	append_owner_match(sb, "s", rel->owner_key);
	appendStringInfoString(&sb->sql, "),\n       ");
	if (shape == SHAPE_ONE)
	{
		appendStringInfo(&sb->sql,
						 "(SELECT 1::pg_catalog.int8 WHERE NOT EXISTS (SELECT FROM %s t WHERE ",
						 rel->target.qualified);
		append_owner_match(sb, "t", rel->target_key);
		appendStringInfoString(&sb->sql, "))");
	}
	else
		appendStringInfoString(&sb->sql, "NULL::pg_catalog.int8");
	appendStringInfoString(&sb->sql, ",\n       0::pg_catalog.int8");
}

/*
 * build_statement returns the SQL of the statement `spec` describes on
 * relation rel, and the types of its parameters: first the owner's key
 * columns, then the target key columns (scalars for SHAPE_ONE, arrays for
 * SHAPE_MANY, none for SHAPE_NONE), then for pivot operations the pivot
 * fields of each target (jsonb, or jsonb[]).
 */
SqlBuf *
build_statement(RelationInfo *rel, const StatementSpec *spec)
{
	SqlBuf	   *buf = sqlbuf_create();
	SqlBuf	   *sb = buf;
	RelOp		op = spec->op;
	KeyShapeKind shape = spec->shape;

	/* through relations are read by the query functions only */
	if (rel->through != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s relation \"%s\" of table \"%s\" is read-only",
						relation_kind_name(rel->kind), rel->name, rel->source.name),
				 errdetail("Through relations are read by relorm_select, relorm_query_related, relorm_count_related, relorm_exists_related, relorm_chain, relorm_where_exists and relorm_join."),
				 errhint("Write through its relations \"%s\" and \"%s\".",
						 rel->through->name, rel->via->name)));
	if (statement_is_flat(rel, spec))
		build_flat_write(sb, rel, spec);
	else
	{
		switch (op)
		{
			case RELOP_ADD:
			case RELOP_REMOVE:
			case RELOP_SET_LINK:
			case RELOP_SET_UNLINK:
				/* belongs_to's writes are all flat */
				if (rel->kind == RELORM_MANY_TO_MANY)
					build_junction_write(sb, rel, op, shape);
				else
					build_fk_on_target_write(sb, rel, op, shape);
				break;
			case RELOP_LOAD_ONE:
			case RELOP_LOAD_ONE_ROW:
			case RELOP_LOAD_MANY:
			case RELOP_LOAD_MANY_ROW:
				build_load(sb, rel, op);
				break;
			case RELOP_RELATION_IDS:
				build_relation_ids(sb, rel);
				break;
			case RELOP_ATTACH:
			case RELOP_DETACH:
			case RELOP_SYNC:
			case RELOP_TOGGLE:
				build_pivot_statement(sb, rel, spec);
				break;
			case RELOP_CHECK:
				build_check(sb, rel, shape);
				break;
			default:
				elog(ERROR, "unrecognized relorm operation %d", (int) op);
		}
	}
	return buf;
}

/* statement_spec: the spec of a statement without variants. */
StatementSpec
statement_spec(RelOp op, KeyShapeKind shape)
{
	StatementSpec spec;

	memset(&spec, 0, sizeof(spec));
	spec.op = op;
	spec.shape = shape;
	return spec;
}

/*
 * deparse_dropped_tables: the tables and columns the current DDL command
 * dropped (for the sql_drop event trigger):
 *
 *	SELECT objid, objsubid, object_identity
 *	FROM pg_catalog.pg_event_trigger_dropped_objects()
 *	WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass
 */
char *
deparse_dropped_tables(void)
{
	return "SELECT objid, objsubid, object_identity"
		" FROM pg_catalog.pg_event_trigger_dropped_objects()"
		" WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass";
}
