/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  relorm_catalog, the table of registered relations (catalog.c): the
 *	  only module that reads or writes its rows.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_CATALOG_H
#define RELORM_CATALOG_H

#include "relorm.h"

#include "storage/itemptr.h"

/* Columns of relorm_catalog, in the order of the install script. */
#define Anum_catalog_source				1
#define Anum_catalog_name				2
#define Anum_catalog_kind				3
#define Anum_catalog_target				4
#define Anum_catalog_junction			5
#define Anum_catalog_source_columns		6
#define Anum_catalog_target_columns		7
#define Anum_catalog_junction_source	8
#define Anum_catalog_junction_target	9
#define Anum_catalog_options			10
#define Anum_catalog_column_names		11
#define Natts_catalog					11

/* A relation to store: what a registration resolved. */
typedef struct CatalogEntry
{
	Oid			source;
	char	   *name;
	RelationKind kind;
	Oid			target;
	Oid			junction;		/* InvalidOid unless many_to_many */
	ColumnSet	source_cols;
	ColumnSet	target_cols;
	ColumnSet	junction_source_cols;
	ColumnSet	junction_target_cols;
	Jsonb	   *options;
} CatalogEntry;

/* A stored row, deformed; values live in the caller's memory context. */
typedef struct CatalogRow
{
	ItemPointerData tid;
	Datum		values[Natts_catalog];
	bool		nulls[Natts_catalog];
} CatalogRow;

extern Oid	relorm_catalog_relid(bool missing_ok);
extern Oid	relorm_catalog_relid_cached(void);
extern void relorm_catalog_forget(void);
extern CatalogRow *catalog_read(Oid source, const char *name);
extern List *catalog_relation_names(Oid source);
extern List *catalog_rows(void);
extern void catalog_insert(const CatalogEntry *entry);
extern bool catalog_row_matches(const CatalogRow *row, const CatalogEntry *r,
								bool ignore_options);
extern char *catalog_find_same(const CatalogEntry *r);
extern void catalog_delete(const CatalogRow *row);
extern void catalog_set_options(const CatalogRow *row, Jsonb *options);
extern bool catalog_refresh(const CatalogRow *row, Jsonb *options);
extern void catalog_changed(void);
extern const char *relation_kind_name(RelationKind kind);
extern RelationKind relation_kind_from_name(const char *name);

#endif							/* RELORM_CATALOG_H */
