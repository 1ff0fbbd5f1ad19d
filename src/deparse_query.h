/*-------------------------------------------------------------------------
 *
 * deparse_query.h
 *	  Printing a parsed query (parse_query.h) as ONE SQL statement
 *	  (deparse_query.c), through the builder of deparse.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_DEPARSE_QUERY_H
#define RELORM_DEPARSE_QUERY_H

#include "deparse.h"
#include "parse_query.h"

extern void deparse_statement(SqlBuf *buf, QueryStatement *stmt);
extern void deparse_owner_exists(SqlBuf *buf, RelationInfo *rel, const KeyList *owner);
extern char *deparse_order_option(Oid relid, const char *alias, Jsonb *order);
extern char *deparse_filter_on(SqlBuf *buf, QueryTable *table, QueryFilter *filter,
							   const char *alias);

#endif							/* RELORM_DEPARSE_QUERY_H */
