/*-------------------------------------------------------------------------
 *
 * deparse.h
 *	  The one SQL builder's buffer and printers (deparse.c), used by every
 *	  statement builder: deparse_link.c, deparse_query.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_DEPARSE_H
#define RELORM_DEPARSE_H

#include "relorm.h"

/* the most parameters one statement may carry (PostgreSQL's limit) */
#define SQLBUF_MAX_PARAMS 65535

/*
 * SqlBuf: a statement being built: its text and its parameters, as
 * postgres_fdw's deparse_expr_cxt.  A parameter either carries its value
 * now (a query's values, deparse_value) or is bound when the prepared
 * statement runs (keys of a link statement, deparse_param); both kinds
 * number from $1 in one list, so a filter compiled for a query can be
 * part of a link or write statement.
 */
typedef struct SqlBuf
{
	StringInfoData sql;			/* the statement text */
	int			nparams;
	int			capacity;
	Oid		   *types;			/* types[i] is the type of $i+1 */
	Datum	   *values;			/* values of deparse_value parameters */
	char	   *nulls;			/* SPI style: 'n' null, ' ' not; NUL-ended */
	int			next_alias;		/* for deparse_alias */
} SqlBuf;

extern SqlBuf *sqlbuf_create(void);

/* parameters: "$n::type" */
extern char *deparse_value(SqlBuf *buf, Oid type, Datum value, bool isnull);
extern char *deparse_param(SqlBuf *buf, Oid type);
extern char *deparse_param_ref(SqlBuf *buf, int n);
extern void sqlbuf_append_param(SqlBuf *buf, Oid type);

/* names and types */
extern char *deparse_type(Oid type);
extern char *deparse_alias(SqlBuf *buf, char prefix);
extern char *deparse_table(Oid relid);
extern char *deparse_column(const char *alias, const char *name);

/* comparisons */
extern char *deparse_operator(Oid ltype, Oid rtype, int16 strategy);
extern void deparse_check_comparable(const ColumnSet *l, const ColumnSet *r);
extern char *deparse_collate(Oid lcollation, Oid rcollation);
extern char *deparse_columns_eq(const char *la, const ColumnSet *l,
								const char *ra, const ColumnSet *r);

/* a relation's join path */
extern void deparse_related_from(SqlBuf *buf, RelationInfo *rel, const char *parent,
								 const char *child, char **from, char **corr);
extern char *deparse_through_condition(SqlBuf *buf, RelationInfo *rel, const char *parent,
									   const char *child);
extern char *deparse_join_step(SqlBuf *buf, RelationInfo *rel, const char *from_alias,
							   const char *to_alias);

#endif							/* RELORM_DEPARSE_H */
