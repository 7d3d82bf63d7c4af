REMARK createsystbl.sql: Oracle's system tables for the WorkFlow database (section 3.2, step 2-5).
REMARK Run with Server Manager before the WorkFlow database is created, on each node (3.2 step 3):
REMARK   svrmgr30 command=@createsystbl.sql
REMARK The guide's passwords (internal/oracle, system/manager) are Oracle's defaults: use yours.
connect internal/oracle
startup PFILE=D:\ORANT\INITORCL.ORA
spool D:\ORANT\spool.log
@C:\ORANT\RDBMS80\ADMIN\CATALOG.SQL
@C:\ORANT\RDBMS80\ADMIN\CATPROC.SQL
@C:\ORANT\RDBMS80\ADMIN\UTLCHAIN.SQL
@C:\ORANT\RDBMS80\ADMIN\UTLXPLAN.SQL
connect system/manager
@C:\ORANT\DBS\PUPBLD.SQL
connect internal/oracle
shutdown normal
