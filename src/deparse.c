/*-------------------------------------------------------------------------
 *
 * deparse.c
 *	  The one SQL builder's buffer (SqlBuf) and the printers every
 *	  statement builder uses (deparse_link.c, deparse_query.c).
 *
 * As in postgres_fdw's deparse.c, SQL text is built apart from execution,
 * and only here are names, types, operators and parameters printed:
 *	- every identifier goes through quote_identifier, every table is
 *	  schema-qualified;
 *	- every operator is written OPERATOR(schema.op), resolved from the
 *	  types' btree operator families, never through search_path;
 *	- two columns of different collations are compared under an explicit
 *	  COLLATE, as ri_triggers.c does (ri_GenerateQualCollation);
 *	- every value is a parameter $n with an explicit type, printed without
 *	  a typmod and under a name that does not default one (bpchar, not
 *	  "character", which SQL reads as char(1)): nothing the caller passes
 *	  is pasted into SQL, and no value is cut to fit a type name.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "deparse.h"

/* sqlbuf_create: an empty statement. */
SqlBuf *
sqlbuf_create(void)
{
	SqlBuf	   *buf = palloc0(sizeof(SqlBuf));

	initStringInfo(&buf->sql);
	return buf;
}

/* add_param: declare the next parameter; returns its number (1-based). */
static int
add_param(SqlBuf *buf, Oid type, Datum value, bool isnull)
{
	if (buf->nparams >= SQLBUF_MAX_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("statement has more than %d values", SQLBUF_MAX_PARAMS),
				 errhint("Give many values of one column as one list: {\"col\": {\"in\": [...]}}.")));
	if (buf->nparams == buf->capacity)
	{
		buf->capacity = buf->capacity ? buf->capacity * 2 : 16;
		buf->types = buf->types ? repalloc(buf->types, sizeof(Oid) * buf->capacity)
			: palloc(sizeof(Oid) * buf->capacity);
		buf->values = buf->values ? repalloc(buf->values, sizeof(Datum) * buf->capacity)
			: palloc(sizeof(Datum) * buf->capacity);
		buf->nulls = buf->nulls ? repalloc(buf->nulls, buf->capacity + 1)
			: palloc(buf->capacity + 1);
	}
	buf->types[buf->nparams] = type;
	buf->values[buf->nparams] = value;
	buf->nulls[buf->nparams] = isnull ? 'n' : ' ';
	buf->nparams++;
	buf->nulls[buf->nparams] = '\0';
	return buf->nparams;
}

/*
 * deparse_value: "$n::type" of a new parameter holding `value` (a query's
 * values, known while the statement is built).
 */
char *
deparse_value(SqlBuf *buf, Oid type, Datum value, bool isnull)
{
	int			n = add_param(buf, type, value, isnull);

	return psprintf("$%d::%s", n, deparse_type(type));
}

/*
 * deparse_param: "$n::type" of a new parameter bound when the prepared
 * statement runs (exec.c binds a link statement's keys by position).
 */
char *
deparse_param(SqlBuf *buf, Oid type)
{
	return deparse_value(buf, type, (Datum) 0, true);
}

/* deparse_param_ref: "$n::type" of parameter n again. */
char *
deparse_param_ref(SqlBuf *buf, int n)
{
	Assert(n >= 1 && n <= buf->nparams);
	return psprintf("$%d::%s", n, deparse_type(buf->types[n - 1]));
}

/* sqlbuf_append_param: deparse_param, appended to the text. */
void
sqlbuf_append_param(SqlBuf *buf, Oid type)
{
	appendStringInfoString(&buf->sql, deparse_param(buf, type));
}

/*
 * deparse_type: the schema-qualified name of a type with no typmod, under
 * a name that does not imply one: FORMAT_TYPE_TYPEMOD_GIVEN with -1 prints
 * bpchar and "bit" rather than character and bit, which SQL reads as
 * char(1) and bit(1) and so would cut a key 'abc' to 'a'.
 */
char *
deparse_type(Oid type)
{
	return format_type_extended(type, -1,
								FORMAT_TYPE_FORCE_QUALIFY | FORMAT_TYPE_TYPEMOD_GIVEN);
}

/* deparse_alias: a fresh alias, prefix followed by a number (t0, j1, ...). */
char *
deparse_alias(SqlBuf *buf, char prefix)
{
	return psprintf("%c%d", prefix, buf->next_alias++);
}

/* deparse_table: "schema"."table" of a relation. */
char *
deparse_table(Oid relid)
{
	char	   *name = get_rel_name(relid);

	if (name == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), name);
}

/* deparse_column: alias."column" */
char *
deparse_column(const char *alias, const char *name)
{
	return psprintf("%s.%s", alias, quote_identifier(name));
}

/*
 * deparse_operator returns "OPERATOR(schema.op)" for the btree operator of
 * strategy `strategy` between ltype and rtype, found in the operator
 * family of ltype's default btree operator class (as ri_triggers.c finds
 * the equality of a foreign key).  Types that are binary coercible to the
 * family's input type use its operator.
 */
char *
deparse_operator(Oid ltype, Oid rtype, int16 strategy)
{
	TypeCacheEntry *tc = lookup_type_cache(getBaseType(ltype),
										   TYPECACHE_BTREE_OPFAMILY);
	Oid			opfamily = tc->btree_opf;
	Oid			opintype = tc->btree_opintype;
	Oid			lbase = getBaseType(ltype);
	Oid			rbase = getBaseType(rtype);
	Oid			opr = InvalidOid;
	HeapTuple	tuple;
	Form_pg_operator form;
	char	   *result;

	if (OidIsValid(opfamily))
	{
		opr = get_opfamily_member(opfamily, lbase, rbase, strategy);
		if (!OidIsValid(opr) && IsBinaryCoercible(lbase, opintype) &&
			IsBinaryCoercible(rbase, opintype))
			opr = get_opfamily_member(opfamily, opintype, opintype, strategy);
		if (!OidIsValid(opr) && IsBinaryCoercible(rbase, opintype))
			opr = get_opfamily_member(opfamily, opintype, opintype, strategy);
	}
	if (!OidIsValid(opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("no btree comparison operator between types %s and %s",
						format_type_be(ltype), format_type_be(rtype)),
				 errhint("relorm compares key columns with the operators of their btree operator families.")));
	tuple = SearchSysCache1(OPEROID, ObjectIdGetDatum(opr));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for operator %u", opr);
	form = (Form_pg_operator) GETSTRUCT(tuple);
	result = psprintf("OPERATOR(%s.%s)",
					  quote_identifier(get_namespace_name(form->oprnamespace)),
					  NameStr(form->oprname));
	ReleaseSysCache(tuple);
	return result;
}

/*
 * deparse_check_comparable: the columns of l can be compared with those of
 * r (checked when a relation is registered).
 */
void
deparse_check_comparable(const ColumnSet *l, const ColumnSet *r)
{
	int			c;

	for (c = 0; c < l->ncols; c++)
		(void) deparse_operator(l->types[c], r->types[c], BTEqualStrategyNumber);
}

/*
 * deparse_collate: " COLLATE schema.name" of rcollation when two columns
 * of different collations are compared, else "".  Two columns of the same
 * type whose collations differ cannot be compared without one (PostgreSQL
 * raises "could not determine which collation to use"), though a foreign
 * key between them is valid; as ri_GenerateQualCollation, the comparison
 * is done under one side's collation (deparse_columns_eq: the right-hand
 * side).  Deterministic collations agree on equality, so the choice does
 * not change which rows match.
 */
char *
deparse_collate(Oid lcollation, Oid rcollation)
{
	HeapTuple	tuple;
	Form_pg_collation form;
	char	   *result;

	if (lcollation == rcollation || !OidIsValid(lcollation) || !OidIsValid(rcollation))
		return "";
	tuple = SearchSysCache1(COLLOID, ObjectIdGetDatum(rcollation));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for collation %u", rcollation);
	form = (Form_pg_collation) GETSTRUCT(tuple);
	result = psprintf(" COLLATE %s",
					  quote_qualified_identifier(get_namespace_name(form->collnamespace),
												 NameStr(form->collname)));
	ReleaseSysCache(tuple);
	return result;
}

/*
 * deparse_columns_eq: the columns of l equal those of r:
 *
 *	la."a1" OPERATOR(pg_catalog.=) ra."b1" [COLLATE ...] AND ...
 */
char *
deparse_columns_eq(const char *la, const ColumnSet *l, const char *ra, const ColumnSet *r)
{
	StringInfoData out;
	int			c;

	initStringInfo(&out);
	for (c = 0; c < l->ncols; c++)
		appendStringInfo(&out, "%s%s %s %s%s", c ? " AND " : "",
						 deparse_column(la, l->names[c]),
						 deparse_operator(l->types[c], r->types[c], BTEqualStrategyNumber),
						 deparse_column(ra, r->names[c]),
						 deparse_collate(l->collations[c], r->collations[c]));
	return out.data;
}

/*
 * deparse_through_condition: a through relation's far row aliased `child` is
 * reached from the row aliased `parent` (each far row once, however many
 * paths lead to it: a semi-join):
 *
 *	EXISTS (SELECT FROM middle m [junction jN JOIN middle m ON ...]
 *			[, junction2 jM]
 *			WHERE m.tc = parent.sc AND child.tc = m.sc)
 */
char *
deparse_through_condition(SqlBuf *buf, RelationInfo *rel, const char *parent, const char *child)
{
	RelationInfo *first = rel->through;
	RelationInfo *second = rel->via;
	char	   *m = deparse_alias(buf, 'm');
	char	   *from;
	char	   *corr;
	char	   *hop;

	deparse_related_from(buf, first, parent, m, &from, &corr);
	if (second->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = deparse_alias(buf, 'j');

		from = psprintf("%s, %s %s", from, second->junction.qualified, j);
		hop = psprintf("%s AND %s",
					   deparse_columns_eq(j, &second->junction_source_cols, m,
										  &second->source_cols),
					   deparse_columns_eq(j, &second->junction_target_cols, child,
										  &second->target_cols));
	}
	else
		hop = deparse_columns_eq(m, &second->source_cols, child, &second->target_cols);
	return psprintf("EXISTS (SELECT FROM %s WHERE %s AND %s)", from, corr, hop);
}

/*
 * deparse_related_from: how the rows of relation rel, aliased `child`, hang
 * off the row aliased `parent`: *from is the FROM item(s), *corr the
 * correlation condition.
 *
 *	direct:   FROM target c		WHERE p.sc = c.tc
 *	junction: FROM junction jN JOIN target c ON jN.jt = c.tc
 *			  WHERE jN.js = p.sc
 *	through:  FROM target c		WHERE EXISTS (...)  (deparse_through_condition)
 */
void
deparse_related_from(SqlBuf *buf, RelationInfo *rel, const char *parent,
					 const char *child, char **from, char **corr)
{
	if (rel->through != NULL)
	{
		*from = psprintf("%s %s", rel->target.qualified, child);
		*corr = deparse_through_condition(buf, rel, parent, child);
	}
	else if (rel->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = deparse_alias(buf, 'j');

		*from = psprintf("%s %s JOIN %s %s ON %s", rel->junction.qualified, j,
						 rel->target.qualified, child,
						 deparse_columns_eq(j, &rel->junction_target_cols, child,
											&rel->target_cols));
		*corr = deparse_columns_eq(j, &rel->junction_source_cols, parent, &rel->source_cols);
	}
	else
	{
		*from = psprintf("%s %s", rel->target.qualified, child);
		*corr = deparse_columns_eq(parent, &rel->source_cols, child, &rel->target_cols);
	}
}

/*
 * deparse_join_step: " JOIN ..." from the row aliased from_alias through
 * rel to its related rows aliased to_alias (chains and joins):
 *
 *	direct:   JOIN target to ON from.sc = to.tc
 *	junction: JOIN junction jN ON jN.js = from.sc JOIN target to ON jN.jt = to.tc
 *	through:  JOIN target to ON EXISTS (...)  (deparse_through_condition: each far
 *			  row once per row it is reached from)
 */
char *
deparse_join_step(SqlBuf *buf, RelationInfo *rel, const char *from_alias,
				  const char *to_alias)
{
	if (rel->through != NULL)
		return psprintf(" JOIN %s %s ON %s", rel->target.qualified, to_alias,
						deparse_through_condition(buf, rel, from_alias, to_alias));
	if (rel->kind == RELORM_MANY_TO_MANY)
	{
		char	   *j = deparse_alias(buf, 'j');

		return psprintf(" JOIN %s %s ON %s JOIN %s %s ON %s",
						rel->junction.qualified, j,
						deparse_columns_eq(j, &rel->junction_source_cols, from_alias,
										   &rel->source_cols),
						rel->target.qualified, to_alias,
						deparse_columns_eq(j, &rel->junction_target_cols, to_alias,
										   &rel->target_cols));
	}
	return psprintf(" JOIN %s %s ON %s", rel->target.qualified, to_alias,
					deparse_columns_eq(from_alias, &rel->source_cols, to_alias,
									   &rel->target_cols));
}
