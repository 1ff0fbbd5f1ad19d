/*-------------------------------------------------------------------------
 *
 * deparse_link.h
 *	  The statements of the link and pivot operations and of the loads
 *	  (deparse_link.c), and what identifies one (StatementSpec).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_DEPARSE_LINK_H
#define RELORM_DEPARSE_LINK_H

#include "deparse.h"

/* The operations relorm prepares statements for. */
typedef enum RelOp
{
	RELOP_ADD,
	RELOP_REMOVE,
	RELOP_SET_LINK,				/* set: link the given target(s) */
	RELOP_SET_UNLINK,			/* set: unlink what is not given */
	RELOP_LOAD_ONE,
	RELOP_LOAD_ONE_ROW,			/* typed form: the row itself */
	RELOP_LOAD_MANY,
	RELOP_LOAD_MANY_ROW,		/* typed form: the rows themselves */
	RELOP_RELATION_IDS,
	RELOP_ATTACH,				/* pivot operations (SPEC §4) */
	RELOP_DETACH,
	RELOP_SYNC,
	RELOP_TOGGLE,
	RELOP_UPDATE_PIVOT,
	RELOP_CHECK,				/* after a flat write changed nothing: do
								 * the owner and the target exist? */
	RELOP__COUNT
} RelOp;

/*
 * The shapes a statement is prepared in: for one target key the keys are
 * scalar parameters, for several they are arrays of equal length, unnested
 * in the statement.  Either way one statement does the work.
 */
typedef enum KeyShapeKind
{
	SHAPE_ONE,
	SHAPE_MANY,
	SHAPE_NONE,					/* no target keys (e.g. set to NULL) */
	SHAPE__COUNT
} KeyShapeKind;

/*
 * StatementSpec: what a prepared statement is for.  Plans are cached per
 * relation and spec.  pivot_fields is a bitmap over the relation's pivot
 * columns (those the call gives values for); option is `duplicates` for
 * attach and `detaching` for sync.
 */
typedef struct StatementSpec
{
	RelOp		op;
	KeyShapeKind shape;
	uint32		pivot_fields;
	bool		option;
} StatementSpec;

extern StatementSpec statement_spec(RelOp op, KeyShapeKind shape);
extern SqlBuf *build_statement(RelationInfo *rel, const StatementSpec *spec);
extern bool statement_is_flat(RelationInfo *rel, const StatementSpec *spec);
extern char *deparse_dropped_tables(void);

#endif							/* RELORM_DEPARSE_LINK_H */
