SET ALSERVICE=StarOffice Server
