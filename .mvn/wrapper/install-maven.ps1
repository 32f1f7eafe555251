# Installs the Maven that maven-wrapper.properties pins, once, and prints its folder: mvnw.cmd's half that
# needs more than batch (./mvnw does the same in bash). distributionUrl is the distribution's path inside
# a Maven repository; the repository is MVNW_REPOURL, else the one the machine's own mvn is set up for.
$ErrorActionPreference = 'Stop'

$properties = Join-Path $PSScriptRoot 'maven-wrapper.properties'
$settings = @{}
foreach ($line in Get-Content $properties) {
    if ($line -match '^\s*([^#=\s]+)\s*=\s*(\S+)\s*$') { $settings[$Matches[1]] = $Matches[2] }
}
$path = $settings['distributionUrl']
if ($path -notmatch '^org/apache/maven/apache-maven/([^/]+)/apache-maven-\1-bin\.tar\.gz$' -or
        -not $settings['distributionSha512Sum'] -or -not $settings['distributionSha256Sum']) {
    throw "mvnw: $properties must set distributionUrl=org/apache/maven/apache-maven/<version>/apache-maven-<version>-bin.tar.gz, distributionSha512Sum and distributionSha256Sum"
}
$version = $Matches[1]
$archiveName = "apache-maven-$version-bin.tar.gz"

$userHome = if ($env:MAVEN_USER_HOME) { $env:MAVEN_USER_HOME } else { Join-Path $env:USERPROFILE '.m2' }
$mavenHome = Join-Path $userHome "wrapper\dists\apache-maven-$version"
if (Test-Path (Join-Path $mavenHome 'bin\mvn.cmd')) {
    Write-Output $mavenHome
    exit 0
}

$work = Join-Path ([IO.Path]::GetTempPath()) ("mvnw-" + [Guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $archive = Join-Path $work $archiveName
    if ($env:MVNW_REPOURL) {
        [Console]::Error.WriteLine("mvnw: downloading Maven $version from $env:MVNW_REPOURL")
        [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
        Invoke-WebRequest -UseBasicParsing -Uri ($env:MVNW_REPOURL.TrimEnd('/') + '/' + $path) -OutFile $archive
    } elseif (Get-Command mvn -ErrorAction SilentlyContinue) {
        [Console]::Error.WriteLine("mvnw: fetching Maven $version through the machine's mvn")
        & mvn -B -q -ntp dependency:copy "-Dartifact=org.apache.maven:apache-maven:${version}:tar.gz:bin" `
            "-DoutputDirectory=$work" -Dmdep.stripVersion=false | ForEach-Object { [Console]::Error.WriteLine($_) }
        if ($LASTEXITCODE -ne 0) { throw "mvnw: the machine's mvn could not fetch Maven $version" }
    } else {
        throw "mvnw: Maven $version is not installed yet and there is nothing to fetch it with: set MVNW_REPOURL to a Maven repository's URL, or install any Maven"
    }
    foreach ($algorithm in 'SHA512', 'SHA256') {
        $key = if ($algorithm -eq 'SHA512') { 'distributionSha512Sum' } else { 'distributionSha256Sum' }
        $actual = (Get-FileHash -Algorithm $algorithm -Path $archive).Hash.ToLowerInvariant()
        if ($actual -ne $settings[$key].ToLowerInvariant()) {
            throw "mvnw: $archiveName does not match $key in $properties; not installed"
        }
    }
    $unpacked = Join-Path $work 'unpacked'
    New-Item -ItemType Directory -Path $unpacked | Out-Null
    & tar -xzf $archive -C $unpacked
    if ($LASTEXITCODE -ne 0) { throw "mvnw: tar could not unpack $archive" }
    New-Item -ItemType Directory -Force -Path (Split-Path $mavenHome) | Out-Null
    # A move, so that a concurrent run sees either no Maven or a whole one; the loser of a race keeps the winner's.
    try {
        Move-Item -Path (Join-Path $unpacked "apache-maven-$version") -Destination $mavenHome
    } catch {
        if (-not (Test-Path (Join-Path $mavenHome 'bin\mvn.cmd'))) { throw }
    }
    Write-Output $mavenHome
} finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
