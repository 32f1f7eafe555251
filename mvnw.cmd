@REM Runs the Maven that .mvn\wrapper\maven-wrapper.properties pins, with the given arguments: ./mvnw for
@REM Windows (the Maven Wrapper's layout, this project's own script). The first run installs the pinned
@REM distribution under %MAVEN_USER_HOME% (default %USERPROFILE%\.m2)\wrapper\dists with
@REM .mvn\wrapper\install-maven.ps1, from MVNW_REPOURL or through the machine's own mvn, checked against
@REM both checksums of the properties. Needs Windows 10 or later (PowerShell 5 and tar.exe).
@echo off
setlocal
set "MVNW_ROOT=%~dp0"
if "%MAVEN_USER_HOME%"=="" set "MAVEN_USER_HOME=%USERPROFILE%\.m2"
set "MVNW_MAVEN_HOME="
for /f "usebackq delims=" %%h in (`powershell -NoProfile -ExecutionPolicy Bypass -File "%MVNW_ROOT%.mvn\wrapper\install-maven.ps1"`) do set "MVNW_MAVEN_HOME=%%h"
if "%MVNW_MAVEN_HOME%"=="" (
  echo mvnw: the pinned Maven could not be installed ^(see above^) 1>&2
  exit /b 1
)
endlocal & "%MVNW_MAVEN_HOME%\bin\mvn.cmd" %*
