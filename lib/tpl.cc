// ctemplate shim. A struct tpl_dict* is a ctemplate::TemplateDictionary* in disguise, so
// children need no wrapper objects and their ownership stays with ctemplate.
#include "tpl.h"

#include <ctemplate/template.h>
#include <ctemplate/template_dictionary.h>

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using ctemplate::TemplateDictionary;

static TemplateDictionary *D(struct tpl_dict *d)
{
	return reinterpret_cast<TemplateDictionary *>(d);
}

static const TemplateDictionary *CD(const struct tpl_dict *d)
{
	return reinterpret_cast<const TemplateDictionary *>(d);
}

static struct tpl_dict *W(TemplateDictionary *d)
{
	return reinterpret_cast<struct tpl_dict *>(d);
}

extern "C" bool tpl_has_pragma(const char *text, size_t len)
{
	const size_t n = std::strlen(TPL_PRAGMA);

	return text != nullptr && len >= n && std::memcmp(text, TPL_PRAGMA, n) == 0;
}

static bool read_file(const std::string &path, std::string *out)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream ss;

	if (!in)
		return false;
	ss << in.rdbuf();
	*out = ss.str();
	return true;
}

extern "C" int tpl_init(const char *dir, char *err, size_t errlen)
{
	try {
		std::vector<std::string> files;
		DIR *dp = opendir(dir);

		if (dp == nullptr) {
			std::snprintf(err, errlen, "cannot open template directory %s", dir);
			return -1;
		}
		while (struct dirent *de = readdir(dp)) {
			std::string name = de->d_name;
			if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tpl") == 0)
				files.push_back(name);
		}
		closedir(dp);
		std::sort(files.begin(), files.end());
		if (files.empty()) {
			std::snprintf(err, errlen, "no *.tpl files in %s", dir);
			return -1;
		}
		ctemplate::mutable_default_template_cache()->SetTemplateRootDirectory(dir);
		for (const std::string &f : files) {
			std::string text;

			if (!read_file(std::string(dir) + "/" + f, &text)) {
				std::snprintf(err, errlen, "cannot read template %s/%s", dir, f.c_str());
				return -1;
			}
			if (!tpl_has_pragma(text.data(), text.size())) {
				std::snprintf(err, errlen, "template %s must start with %s", f.c_str(),
					      TPL_PRAGMA);
				return -1;
			}
			if (!ctemplate::LoadTemplate(f, ctemplate::STRIP_BLANK_LINES)) {
				std::snprintf(err, errlen, "template %s does not parse", f.c_str());
				return -1;
			}
		}
		ctemplate::mutable_default_template_cache()->Freeze();
		return 0;
	} catch (...) {
		std::snprintf(err, errlen, "template loading failed (C++ exception)");
		return -1;
	}
}

extern "C" struct tpl_dict *tpl_dict_new(const char *name)
{
	try {
		return W(new TemplateDictionary(name));
	} catch (...) {
		return nullptr;
	}
}

extern "C" void tpl_dict_free(struct tpl_dict *d)
{
	delete D(d);
}

extern "C" void tpl_set(struct tpl_dict *d, const char *key, const char *value)
{
	try {
		D(d)->SetValue(key, value != nullptr ? value : "");
	} catch (...) {
	}
}

extern "C" void tpl_set_int(struct tpl_dict *d, const char *key, long long value)
{
	try {
		D(d)->SetValue(key, std::to_string(value));
	} catch (...) {
	}
}

extern "C" void tpl_set_global(struct tpl_dict *d, const char *key, const char *value)
{
	try {
		D(d)->SetTemplateGlobalValue(key, value != nullptr ? value : "");
	} catch (...) {
	}
}

extern "C" struct tpl_dict *tpl_section(struct tpl_dict *d, const char *name)
{
	try {
		return W(D(d)->AddSectionDictionary(name));
	} catch (...) {
		return nullptr;
	}
}

extern "C" void tpl_show(struct tpl_dict *d, const char *name)
{
	try {
		D(d)->ShowSection(name);
	} catch (...) {
	}
}

extern "C" struct tpl_dict *tpl_include(struct tpl_dict *d, const char *name, const char *file)
{
	try {
		TemplateDictionary *child = D(d)->AddIncludeDictionary(name);
		child->SetFilename(file);
		return W(child);
	} catch (...) {
		return nullptr;
	}
}

extern "C" char *tpl_expand(const char *file, const struct tpl_dict *d, size_t *len)
{
	try {
		std::string out;
		char *copy;

		if (!ctemplate::ExpandTemplate(file, ctemplate::STRIP_BLANK_LINES, CD(d), &out))
			return nullptr;
		copy = static_cast<char *>(std::malloc(out.size() + 1));
		if (copy == nullptr)
			return nullptr;
		std::memcpy(copy, out.data(), out.size());
		copy[out.size()] = '\0';
		if (len != nullptr)
			*len = out.size();
		return copy;
	} catch (...) {
		return nullptr;
	}
}
